// The boundary between libnmt and SentencePiece. Debian's libsentencepiece carries its own
// copy of protobuf-lite 3.14 with exported symbols, which clash with the protobuf 3.21
// that LibTorch loads (a segfault before main). So SentencePiece lives in a small plugin,
// libnmt_sentencepiece.so, that vocab.cpp opens with RTLD_LOCAL | RTLD_DEEPBIND: each side
// then binds to its own protobuf. Only this abstract interface crosses the boundary.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nmt {

/// A loaded SentencePiece model (implemented inside the plugin).
class SentencePieceModel {
 public:
  virtual ~SentencePieceModel() = default;
  virtual std::vector<int> encode(std::string_view text) const = 0;
  virtual std::vector<std::string> encode_pieces(std::string_view text) const = 0;
  virtual std::string decode(const std::vector<int>& ids) const = 0;
  virtual std::string piece(int id) const = 0;
  virtual int size() const = 0;
};

/// Sentences for training: several corpora read one after the other.
using TrainingCorpora = std::vector<const std::vector<std::string>*>;

// The plugin's entry points (extern "C" so that dlsym finds them by plain name).
extern "C" {
/// Returns a new model loaded from `path`, or nullptr with `*error` set.
using OpenSentencePieceFn = SentencePieceModel* (*)(const char* path, std::string* error);
/// Trains with SentencePiece `options` on `corpora` (empty lines skipped); on success fills
/// `*model_proto` with the serialized model and returns true, else sets `*error`.
using TrainSentencePieceFn = bool (*)(const std::unordered_map<std::string, std::string>* options,
                                      const TrainingCorpora* corpora, std::string* model_proto,
                                      std::string* error);
}

/// Opens a model through the plugin; throws DataError naming `path` on failure.
std::unique_ptr<SentencePieceModel> open_sentencepiece(const std::string& path);

/// Trains a model through the plugin; throws DataError with SentencePiece's reason.
std::string train_sentencepiece(const std::unordered_map<std::string, std::string>& options,
                                const TrainingCorpora& corpora);

}  // namespace nmt
