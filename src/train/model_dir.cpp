#include "train/model_dir.h"

#include <algorithm>
#include <filesystem>

#include "common/config.h"
#include "common/errors.h"
#include "data/vocab.h"
#include "model/checkpoint.h"
#include "model/config_check.h"

namespace nmt {
namespace {

namespace fs = std::filesystem;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

void check_same_run(const Config& config, const std::string& checkpoint) {
  const auto saved = config_values(parse_config(checkpoint_config(checkpoint), checkpoint));
  const auto now = config_values(config);
  const auto& allowed = resumable_keys();
  std::vector<std::string> changed;
  for (const auto& [key, value] : now) {
    const auto it = saved.find(key);
    const std::string before = it == saved.end() ? "unset" : it->second;
    if (before == value || std::count(allowed.begin(), allowed.end(), key)) continue;
    changed.push_back(key + " (" + before + " -> " + value + ")");
  }
  if (changed.empty()) return;
  throw ConfigError("--resume: the config differs from that of " + checkpoint + " in " +
                    join(changed) + "; a resumed run must keep its data, batches and model (only " +
                    join(allowed) +
                    " may change): undo the change, or train afresh in another model_dir");
}

}  // namespace

const std::vector<std::string>& resumable_keys() {
  static const std::vector<std::string> keys = {"model_dir",
                                                "device",
                                                "data.dev",
                                                "data.test",
                                                "train.max_steps",
                                                "train.max_epochs",
                                                "train.max_minutes",
                                                "train.valid_every",
                                                "train.log_every",
                                                "train.keep_last",
                                                "train.patience",
                                                "train.threads",
                                                "train.valid_batch_size",
                                                "train.distributed_timeout",
                                                "train.workers"};
  return keys;
}

bool has_trained_model(const std::string& model_dir) {
  return !list_step_checkpoints(model_dir).empty() ||
         fs::is_regular_file(best_checkpoint_path(model_dir));
}

void check_no_trained_model(const Config& config) {
  if (!has_trained_model(config.model_dir)) return;
  const auto steps = list_step_checkpoints(config.model_dir);
  const auto best = best_checkpoint_path(config.model_dir);
  throw Error("model_dir: " + config.model_dir + " already has a trained model (" +
              (steps.empty() ? best : "newest checkpoint " + steps.back()) +
              "); use --resume to continue it, or another model_dir");
}

std::string checkpoint_to_resume(const Config& config) {
  const auto steps = list_step_checkpoints(config.model_dir);
  if (steps.empty()) {
    const auto best = best_checkpoint_path(config.model_dir);
    if (fs::is_regular_file(best)) {
      throw Error("--resume: " + config.model_dir + " has " + best +
                  " but no step checkpoint to resume from (they hold the optimiser state); "
                  "train afresh in another model_dir");
    }
    return "";
  }
  for (const auto& file : subword_model_files(config.data, config.model_dir)) {
    if (!fs::exists(file)) {
      throw DataError("--resume: " + file + " is missing: the checkpoints in " + config.model_dir +
                      " were trained with it (restore it, or train afresh in "
                      "another model_dir)");
    }
  }
  check_same_run(config, steps.back());
  return steps.back();
}

}  // namespace nmt
