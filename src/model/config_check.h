// The checks of a config that need the model's parts: the attention type and its
// parameters, and sizes that must fit together (heads that divide a size, a window, the
// Transformer's sizes, tied embeddings). `nmt prepare` and `nmt train` run them right after
// loading, before any data or subword work.
#pragma once

#include <map>
#include <set>
#include <string>

namespace nmt {

struct Config;

/// Throws ConfigError "file:line: key: problem" (where the key, or its section, was set) for
/// an unknown attention type, a parameter set that the type does not take, or sizes the
/// model cannot be built with. Builds the model once on the CPU to ask each part.
void check_model_config(const Config& config);

/// Keys of `config` that do not describe its model: the parameters of the attention types
/// not chosen. What config_to_yaml and config_to_lines leave out.
std::set<std::string> unused_config_keys(const Config& config);

/// The value of every key of `config` that describes it (unused keys left out), as text.
std::map<std::string, std::string> config_values(const Config& config);

}  // namespace nmt
