// The training loop as a library: builds the model from the config, trains with Adam on
// length-bucketed batches, validates every train.valid_every updates, keeps the best and the
// last checkpoints, and stops on the config's limits, the caller's budget, patience or a stop
// request. Several processes (data-parallel workers) each take a share of every update and
// train one model: their summed gradients are those of the whole update.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "common/directory_lock.h"
#include "data/dataset.h"

namespace nmt {

struct Config;
class Collective;

/// Limits on top of the config's (0: none), counted over the whole run, resumptions included:
/// for drivers that compare runs on equal terms (`nmt compare`).
struct TrainBudget {
  int64_t updates = 0;
  int64_t target_tokens = 0;    // of all workers together
  double training_seconds = 0;  // pure training: no validation or checkpoints
};

struct TrainControl {
  std::string resume_from;  // the step checkpoint to continue from; "": train afresh
  /// Non-zero (a signal number): checkpoint and stop at the end of the update. Set by the
  /// caller (`nmt train` sets it from SIGINT and SIGTERM); null: never.
  const std::atomic<int>* stop_request = nullptr;
  TrainBudget budget;
  /// The workers that train together (gradient synchronisation); null: this process alone.
  Collective* workers = nullptr;
  int cuda_device = 0;  // device: cuda: the GPU this process trains on (a worker's LOCAL_RANK)
  /// Workers that `train.workers: auto` chose: when, over a window of updates, the slowest
  /// worker's computing takes more than this many times the fastest's, stop with a checkpoint
  /// and say so in TrainResult::slow_worker, so that the run goes on as one process (0: never).
  double straggler_ratio = 0;
};

struct TrainResult {
  int64_t step = 0;  // updates done, over all runs
  std::string stop_reason;
  int64_t trained_tokens = 0;   // target tokens of this call's updates, all workers
  double training_seconds = 0;  // pure training time of this call
  double best_metric = 0;
  int64_t best_step = 0;
  // Why the run stopped for a slow worker (TrainControl::straggler_ratio); "": it did not.
  std::string slow_worker;
};

/// What training needs before its first update: model_dir locked (by rank 0) and checked for
/// a fresh start or a resumption, the same config on every rank, and the data prepared (rank 0
/// trains the subword models into model_dir; the others load them after it).
struct TrainingStart {
  std::unique_ptr<DirectoryLock> lock;
  std::string resume_from;
  PreparedData data;
};
TrainingStart start_training(const Config& config, bool resume, Collective& workers);

/// Trains per `config` into config.model_dir. Only rank 0 writes there.
TrainResult train(const Config& config, const PreparedData& data, const TrainControl& control);

/// start_training() and train() in this process alone, with no stop request.
TrainResult train(const Config& config, bool resume);

}  // namespace nmt
