// Opens the SentencePiece plugin once, next to the running executable (or in ../lib of it, or
// beside libnmt.so, or in the build directory it was configured for), with its own symbol
// scope.
#include "data/sentencepiece_backend.h"

#include <dlfcn.h>

#include <algorithm>
#include <filesystem>
#include <mutex>

#include "build_info.h"
#include "common/errors.h"

namespace nmt {
namespace {

constexpr const char* kPluginName = "libnmt_sentencepiece.so";

struct Plugin {
  OpenSentencePieceFn open = nullptr;
  TrainSentencePieceFn train = nullptr;
};

std::vector<std::string> plugin_candidates() {
  std::vector<std::string> folders;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    folders.push_back(exe.parent_path().string());
    folders.push_back((exe.parent_path().parent_path() / "lib").string());  // installed: bin/nmt
  }
  Dl_info self{};  // the library this code is in (libnmt.so), when it is not the executable
  if (dladdr(reinterpret_cast<void*>(&plugin_candidates), &self) != 0 && self.dli_fname) {
    folders.push_back(std::filesystem::path(self.dli_fname).parent_path().string());
  }
  folders.push_back(NMT_PLUGIN_DIR);
  std::vector<std::string> paths;
  for (const auto& folder : folders) {
    const auto path = folder + "/" + kPluginName;
    if (std::find(paths.begin(), paths.end(), path) == paths.end()) paths.push_back(path);
  }
  return paths;
}

const Plugin& plugin() {
  static Plugin loaded;
  static std::once_flag once;
  std::call_once(once, [] {
    std::string tried;
    for (const auto& path : plugin_candidates()) {
      // RTLD_LOCAL keeps SentencePiece's protobuf out of the global scope; RTLD_DEEPBIND
      // makes SentencePiece bind to its own copy rather than LibTorch's.
      void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
      if (!handle) {
        tried += (tried.empty() ? "" : "; ") + std::string(dlerror());
        continue;
      }
      loaded.open = reinterpret_cast<OpenSentencePieceFn>(dlsym(handle, "nmt_open_sentencepiece"));
      loaded.train =
          reinterpret_cast<TrainSentencePieceFn>(dlsym(handle, "nmt_train_sentencepiece"));
      if (loaded.open && loaded.train) return;
      tried += path + ": missing entry points";
    }
    throw Error(std::string("cannot load the SentencePiece plugin ") + kPluginName + " (" + tried +
                ")");
  });
  return loaded;
}

}  // namespace

std::unique_ptr<SentencePieceModel> open_sentencepiece(const std::string& path) {
  std::string error;
  std::unique_ptr<SentencePieceModel> model(plugin().open(path.c_str(), &error));
  if (!model) throw DataError(path + ": cannot load subword model: " + error);
  return model;
}

std::string train_sentencepiece(const std::unordered_map<std::string, std::string>& options,
                                const TrainingCorpora& corpora) {
  std::string proto, error;
  if (!plugin().train(&options, &corpora, &proto, &error)) throw DataError(error);
  return proto;
}

}  // namespace nmt
