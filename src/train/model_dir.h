// What `nmt train` may do with an existing model directory: start afresh only where no
// trained model is, and resume only the same run (same data, batches and model).
#pragma once

#include <string>
#include <vector>

namespace nmt {

struct Config;

/// Throws Error if `config.model_dir` holds a trained model (a step checkpoint or
/// best.ckpt): training afresh would overwrite it.
void check_no_trained_model(const Config& config);

/// Whether `model_dir` holds a trained model: best.ckpt or a step checkpoint.
bool has_trained_model(const std::string& model_dir);

/// The step checkpoint to resume `config`'s run from, or "" if model_dir has none (and no
/// best.ckpt either: then training starts afresh). Throws Error if the run cannot be
/// resumed: only best.ckpt is left, a subword model is missing, or a key differs from the
/// checkpoint's config other than those that may change (resumable_keys()).
std::string checkpoint_to_resume(const Config& config);

/// The config keys that may differ between a run and its resumption: budgets, logging,
/// validation and where things run. Anything else would make the saved position in
/// training point into different batches, or change the model under its weights.
const std::vector<std::string>& resumable_keys();

}  // namespace nmt
