// `nmt train`: the training loop. Builds the model from the config, trains with Adam on
// length-bucketed batches, validates every train.valid_every updates, keeps the best and the
// last checkpoints, and stops on max_steps, max_epochs, max_minutes, patience or a signal.
#pragma once

namespace nmt {

struct Config;

/// Trains per `config` into config.model_dir. With `resume`, continues from the newest step
/// checkpoint there; without, refuses a model_dir that already has checkpoints.
void train(const Config& config, bool resume);

}  // namespace nmt
