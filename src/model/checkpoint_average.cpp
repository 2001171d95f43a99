#include "model/checkpoint_average.h"

#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "common/config.h"
#include "common/errors.h"
#include "common/files.h"
#include "data/vocab.h"
#include "model/checkpoint.h"
#include "model/config_check.h"

namespace nmt {
namespace {

namespace fs = std::filesystem;

// Keys that only shape training: checkpoints that differ in them still hold one model.
bool training_only(const std::string& key) {
  static const std::set<std::string> keys = {"model.encoder.dropout", "model.decoder.dropout",
                                             "model.attention.baseline_decay",
                                             "model.attention.entropy_weight"};
  return keys.count(key) > 0;
}

bool describes_model(const std::string& key) {
  if (training_only(key)) return false;
  return key.rfind("model.", 0) == 0 || key.rfind("data.subwords.", 0) == 0 || key == "data.src" ||
         key == "data.trg";
}

std::string incompatible(const std::string& path, const std::string& first,
                         const std::string& what) {
  return path + ": differs from " + first + " in " + what +
         "; only checkpoints of one architecture and vocabulary can be averaged";
}

void check_same_config(const Config& first, const std::string& first_path, const Config& other,
                       const std::string& path) {
  const auto a = config_values(first), b = config_values(other);
  std::set<std::string> keys;
  for (const auto& [key, value] : a) keys.insert(key);
  for (const auto& [key, value] : b) keys.insert(key);
  for (const auto& key : keys) {
    if (!describes_model(key)) continue;
    const auto x = a.count(key) ? a.at(key) : "unset", y = b.count(key) ? b.at(key) : "unset";
    if (x != y) throw DataError(incompatible(path, first_path, key + " (" + y + " vs " + x + ")"));
  }
}

std::string shape_and_type_text(const torch::Tensor& t) {
  std::ostringstream out;
  out << t.sizes() << " " << t.scalar_type();
  return out.str();
}

void check_same_tensors(const StoredCheckpoint& first, const std::string& first_path,
                        const StoredCheckpoint& other, const std::string& path) {
  for (const auto& [name, t] : other.tensors) {
    const auto it = first.tensors.find(name);
    if (it == first.tensors.end()) {
      throw DataError(incompatible(path, first_path, "its tensors (it has '" + name + "')"));
    }
    if (t.sizes() != it->second.sizes() || t.scalar_type() != it->second.scalar_type()) {
      throw DataError(incompatible(path, first_path,
                                   "tensor '" + name + "' (" + shape_and_type_text(t) + " vs " +
                                       shape_and_type_text(it->second) + ")"));
    }
  }
  for (const auto& [name, t] : first.tensors) {
    if (!other.tensors.count(name)) {
      throw DataError(incompatible(path, first_path, "its tensors (it lacks '" + name + "')"));
    }
  }
}

std::string join_lines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : "\n") + item;
  return out;
}

}  // namespace

void average_checkpoints(const std::vector<std::string>& paths, const std::string& model_dir,
                         const std::string& output) {
  if (paths.empty()) throw Error("average: no checkpoint given");
  std::set<fs::path> seen;
  for (const auto& path : paths) {
    const auto canonical = fs::weakly_canonical(path);
    if (!seen.insert(canonical).second) throw Error(path + ": given twice");
  }
  if (seen.count(fs::weakly_canonical(output))) {
    throw Error("--output " + output + " is one of the checkpoints to average");
  }

  std::map<std::string, torch::Tensor> sums;  // in double
  StoredCheckpoint first, newest;
  Config first_config;
  for (size_t i = 0; i < paths.size(); ++i) {
    auto stored = read_checkpoint(paths[i]);
    const auto config = parse_config(stored.progress.config_yaml, paths[i]);
    // A checkpoint of model_dir's own that records nothing was trained with its subwords.
    if (!stored.progress.subwords.empty() ||
        checkpoint_home(paths[i]) != fs::absolute(model_dir).lexically_normal().string()) {
      require_trained_with(paths[i], stored.progress, config.data,
                           subword_model_files(config.data, model_dir));
    }
    if (i == 0) {
      first_config = config;
      for (const auto& [name, t] : stored.tensors) {
        if (!t.is_floating_point()) continue;
        sums[name] = t.to(torch::kDouble);
      }
    } else {
      check_same_config(first_config, paths[0], config, paths[i]);
      check_same_tensors(first, paths[0], stored, paths[i]);
      for (const auto& [name, t] : stored.tensors) {
        if (t.is_floating_point()) {
          sums[name] += t.to(torch::kDouble);
        } else if (!torch::equal(t, first.tensors.at(name))) {
          throw DataError(incompatible(paths[i], paths[0], "tensor '" + name + "' (integers)"));
        }
      }
    }
    if (i == 0) first = stored;
    if (i == 0 || stored.progress.step >= newest.progress.step) newest = std::move(stored);
  }

  StoredCheckpoint average = newest;
  for (auto& [name, t] : average.tensors) {
    if (!t.is_floating_point()) continue;
    t = (sums.at(name) / static_cast<double>(paths.size())).to(t.scalar_type());
  }
  average.progress.averaged_from = join_lines(paths);
  average.progress.parameter_average.clear();  // the newest's train.ema is not the average's
  save_checkpoint(output, average);
}

}  // namespace nmt
