#include <spdlog/spdlog.h>

#include <filesystem>
#include <functional>
#include <set>

#include "common/config.h"
#include "common/errors.h"
#include "common/files.h"
#include "model/config_check.h"
#include "train/collective.h"
#include "train/model_dir.h"
#include "train/trainer.h"

namespace nmt {
namespace {

// What may differ between the workers of one run: how each process runs.
const std::set<std::string> kPerWorkerKeys = {"train.threads", "train.distributed_timeout",
                                              "train.workers"};

std::vector<std::string> config_lines(const Config& config) {
  auto omit = unused_config_keys(config);
  omit.insert(kPerWorkerKeys.begin(), kPerWorkerKeys.end());
  return config_to_lines(config, omit);
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

// Every rank stops with rank 0's verdict: first all of them have it (rank 0 must not exit, and
// take its store with it, before the others read the verdict).
[[noreturn]] void stop_everywhere(Collective& workers, const std::string& verdict) {
  sum_values(workers, {0.0});
  throw AgreedError(verdict);
}

// Rank 0 compares every rank's resolved config with its own and tells all of them the first
// difference; each rank then stops with the same message.
void check_same_config(const Config& config, Collective& workers) {
  const auto mine = config_lines(config);
  const auto all = workers.gather_text(joined(mine));
  std::string verdict;
  for (size_t r = 1; r < all.size() && verdict.empty(); ++r) {
    if (all[r] == all[0]) continue;
    std::vector<std::string> theirs;
    std::string line;
    for (const char c : all[r]) {
      if (c != '\n') {
        line += c;
        continue;
      }
      theirs.push_back(line);
      line.clear();
    }
    size_t i = 0;
    while (i < mine.size() && i < theirs.size() && mine[i] == theirs[i]) ++i;
    verdict = "the workers' configs differ: rank " + std::to_string(r) + " has " +
              (i < theirs.size() ? "'" + theirs[i] + "'" : "fewer keys") + " where rank 0 has " +
              (i < mine.size() ? "'" + mine[i] + "'" : "fewer keys") +
              " (every machine must train from the same config and --set options)";
  }
  verdict = workers.broadcast_text(verdict);
  if (!verdict.empty()) stop_everywhere(workers, verdict);
}

// Runs `step` on rank 0 while the others wait for it, however long it takes, and makes its
// error, if any, theirs too.
void on_rank0_for_all(Collective& workers, const std::function<void()>& step) {
  if (workers.rank() == 0) {
    try {
      step();
    } catch (const std::exception& e) {
      if (workers.world_size() == 1) throw;
      workers.waiting_for_rank0("error:" + first_line(e.what()));
      sum_values(workers, {0.0});  // the others have read it before this process ends
      throw;
    }
  }
  const auto told = workers.waiting_for_rank0("");
  if (told.rfind("error:", 0) == 0) {
    sum_values(workers, {0.0});
    throw WorkerStopped("rank 0 stopped: " + told.substr(6));
  }
}

std::string vocab_fingerprint(const Vocabs& vocabs) {
  size_t hash = 0;
  for (const Vocab* vocab : {vocabs.src.get(), vocabs.trg.get()}) {
    for (int id = 0; id < vocab->size(); ++id) {
      hash = hash * 1000003u ^ std::hash<std::string>{}(vocab->piece(id));
    }
  }
  return std::to_string(hash);
}

}  // namespace

TrainingStart start_training(const Config& config, bool resume, Collective& workers) {
  check_same_config(config, workers);
  TrainingStart start;
  on_rank0_for_all(workers, [&] {
    ensure_writable_dir(config.model_dir, "model_dir");
    ensure_writable_dir((std::filesystem::path(config.model_dir) / "checkpoints").string(),
                        "model_dir");
    start.lock = std::make_unique<DirectoryLock>(config.model_dir, "model_dir");
    start.resume_from = resume ? checkpoint_to_resume(config) : "";
    if (!resume) check_no_trained_model(config);
    start.data = prepare_data(config);
  });
  start.resume_from = workers.broadcast_text(start.resume_from);
  if (workers.rank() != 0) start.data = prepare_data(config);  // loads rank 0's subword models
  const auto fingerprints = workers.gather_text(vocab_fingerprint(start.data.vocabs));
  std::string verdict;
  for (size_t r = 1; r < fingerprints.size() && verdict.empty(); ++r) {
    if (fingerprints[r] != fingerprints[0]) {
      verdict = "rank " + std::to_string(r) + " loaded other subword models than rank 0's from " +
                config.model_dir +
                ": on several machines, model_dir must be one directory "
                "that all of them see (a shared filesystem)";
    }
  }
  verdict = workers.broadcast_text(verdict);
  if (!verdict.empty()) stop_everywhere(workers, verdict);
  return start;
}

}  // namespace nmt
