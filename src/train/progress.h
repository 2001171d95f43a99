// Training progress for people and scripts: a live status line on a terminal or
// `[train] key=value` log lines otherwise, and every event as one JSON object per line in
// model_dir/metrics.jsonl.
#pragma once

#include <fstream>
#include <optional>
#include <string>

namespace nmt {

struct TrainProgressLine {
  int64_t step = 0, epoch = 0;
  double loss = 0, tokens_per_second = 0, lr = 0;
  double seconds_to_validation = 0;
  struct Policy {
    double reward = 0, baseline = 0, entropy = 0;
  };
  std::optional<Policy> policy;    // hard attention's REINFORCE estimator, means of the update
  std::optional<double> coverage;  // the coverage loss per target token (train.coverage_loss)
};

/// A validation: the dev figures (validation.h) and the best value of train.valid_metric so far.
struct ValidationRecord {
  int64_t step = 0, epoch = 0;  // epoch: 1-based
  double loss = 0, perplexity = 0, bleu = 0, chrf = 0, elapsed_seconds = 0;
  std::string metric;
  double best_metric = 0;
  int64_t best_step = 0;
};

/// The end of a training call: why, this call's pure training and the whole run's.
struct StopRecord {
  int64_t step = 0;
  std::string reason;
  double elapsed_seconds = 0;
  int64_t trained_tokens = 0, run_trained_tokens = 0;
  double training_seconds = 0, run_training_seconds = 0;
  int workers = 1;
};

class ProgressReporter {
 public:
  /// Appends to `metrics_file`. A run resumed at `resumed_step` (-1: a fresh run) first drops
  /// the events after that step: the updates after its checkpoint are trained again.
  ProgressReporter(const std::string& metrics_file, int64_t log_every, int64_t resumed_step = -1);
  ~ProgressReporter();

  /// Called after every update; shows or logs it every `log_every` updates.
  void update(const TrainProgressLine& line);
  /// The "valid" and "stop" events into metrics.jsonl, each with a log line.
  void validated(const ValidationRecord& record);
  void stopped(const StopRecord& record);

  /// One event (a JSON object's text) into metrics.jsonl, plus a log line.
  void event(const std::string& json_object, const std::string& log_line);

 private:
  void clear_live_line();
  void write(const std::string& json_line);

  std::string metrics_file_;
  std::ofstream metrics_;
  int64_t log_every_;
  bool live_;  // stderr is a terminal
  bool live_line_shown_ = false;
};

}  // namespace nmt
