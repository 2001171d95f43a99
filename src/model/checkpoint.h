// Checkpoints: model parameters, optimiser state, schedule state, position in training,
// RNG state and the config, in one file written atomically (a crash leaves the old file or
// the new one, never a broken one).
#pragma once

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace nmt {

struct DataConfig;

/// Where training stands, besides the model and optimiser.
struct TrainingProgress {
  int64_t step = 0;            // updates done
  int64_t epoch = 0;           // 0-based epoch in progress
  int64_t batch_in_epoch = 0;  // batches of `epoch` already consumed
  double elapsed_seconds = 0;  // training time so far, over all runs
  // Pure training (no validation or checkpoints) so far, over all runs: target tokens of all
  // workers and seconds. Checkpoints written before these were kept read as 0.
  int64_t trained_tokens = 0;
  double training_seconds = 0;
  double best_metric = NAN;  // best dev value of train.valid_metric so far
  int64_t best_step = 0;
  int64_t bad_validations = 0;  // validations since the best
  std::string schedule_state;
  std::string config_yaml;  // the resolved config the model was built from
  // subword_fingerprint of the subword models it was trained with; empty in checkpoints
  // written before fingerprints were recorded.
  std::string subwords;
  // Data-parallel training: the CPU generator states of ranks 1, 2, ... (rank 0's is this
  // process's), and their GPU generators' when they trained on GPUs.
  std::vector<torch::Tensor> worker_rng, worker_cuda_rng;
  // An average of checkpoints (nmt average): their paths, one per line; it has no optimiser
  // state. Empty for a checkpoint written by training.
  std::string averaged_from;
  // train.ema: the moving average of the parameters, by name (train/parameter_average.h), in
  // step checkpoints; empty without train.ema, and in best.ckpt, whose parameters are the average.
  std::map<std::string, torch::Tensor> parameter_average;
};

/// What a checkpoint file holds, read without building a model.
struct StoredCheckpoint {
  std::map<std::string, torch::Tensor> tensors;  // the model's parameters and buffers, by name
  TrainingProgress progress;                     // worker_rng included
  torch::Tensor rng;                             // rank 0's CPU random generator state
  torch::Tensor cuda_rng;  // rank 0's GPU generator state; undefined if it trained on the CPU
};

/// Writes a checkpoint to `path` atomically, into a folder that exists (none is made).
/// `optimizer` may be null (model only). The
/// generator states saved are the CPU's and, for a model on a GPU, that GPU's.
void save_checkpoint(const std::string& path, const torch::nn::Module& model,
                     const torch::optim::Optimizer* optimizer, const TrainingProgress& progress);

/// Writes a model-only checkpoint (no optimiser state) of `stored` to `path` atomically.
void save_checkpoint(const std::string& path, const StoredCheckpoint& stored);

/// Loads parameters into `model`. With an `optimizer` (resuming training) also loads its state
/// and restores the RNG (rank 0's; the others' come back in worker_rng): the CPU's, and the
/// GPU's when `model` is on a GPU and the checkpoint was trained on one; without one (a model to
/// translate), the random generators are left alone. Throws DataError naming the file and
/// the first parameter whose name or shape differs from the model's (a checkpoint of another
/// architecture), before changing anything. An average (progress.averaged_from) has no
/// optimiser state: `optimizer` is then left as it is, to start afresh.
TrainingProgress load_checkpoint(const std::string& path, torch::nn::Module& model,
                                 torch::optim::Optimizer* optimizer);

/// A checkpoint's tensors, progress and generator state, read and checked as load_checkpoint
/// reads them, without a model and without touching the random generators.
StoredCheckpoint read_checkpoint(const std::string& path);

/// Where training stood in a checkpoint (worker_rng left empty), read without a model and
/// without touching the random generators.
TrainingProgress checkpoint_progress(const std::string& path);

/// The config YAML stored in a checkpoint (to rebuild its model).
std::string checkpoint_config(const std::string& path);

/// The model directory a checkpoint belongs to: DIR of DIR/checkpoints/step-N.ckpt, else the
/// file's own directory (DIR/best.ckpt, or a file written by nmt average).
std::string checkpoint_home(const std::string& path);

/// Throws DataError naming `path` unless the checkpoint, whose progress is `progress` and config
/// `data`, was trained with the subword models `files`: by the fingerprint it records, or, in a
/// checkpoint too old to record one, by the subword model files in its checkpoint_home, which
/// must then exist. A model translating with other subwords than its own reads garbage.
void require_trained_with(const std::string& path, const TrainingProgress& progress,
                          const DataConfig& data, const std::vector<std::string>& files);

/// Step checkpoints in `dir` (checkpoints/step-NNNNNNNN.ckpt), oldest first.
std::vector<std::string> list_step_checkpoints(const std::string& model_dir);
std::string step_checkpoint_path(const std::string& model_dir, int64_t step);
std::string best_checkpoint_path(const std::string& model_dir);

}  // namespace nmt
