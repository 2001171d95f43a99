// The checks of a whole config when it is loaded: the model's (model/config_check.h) and the
// names of the training choices, by their registries (train.schedule, train.optimizer).
#pragma once

namespace nmt {

struct Config;

/// Throws ConfigError "file:line: key: problem" (where the key, or its section, was set) for
/// anything check_model_config refuses, and for an unknown schedule or optimiser name.
void check_config(const Config& config);

}  // namespace nmt
