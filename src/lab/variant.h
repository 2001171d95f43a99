// What `nmt compare` varies and for how long: a variant is a name and config overrides on top
// of the shared config; the budget is what every run gets.
#pragma once

#include <string>
#include <vector>

#include "train/trainer.h"

namespace nmt {

struct Variant {
  std::string name;                    // letters, digits, '_', '-' and '.': a folder name
  std::vector<std::string> overrides;  // "key=value", as --set takes them
};

/// Parses "NAME" or "NAME:KEY=VALUE[,KEY=VALUE...]". Throws ConfigError naming `text` for a bad
/// name, an override without '=', or a key the lab keeps equal for every variant (data.*,
/// model_dir, train.seed).
Variant parse_variant(const std::string& text);

/// Parses "updates=N", "tokens=N" or "minutes=M" (pure training time). Throws ConfigError.
TrainBudget parse_budget(const std::string& text);

/// The budget as parse_budget reads it, e.g. "updates=300".
std::string budget_text(const TrainBudget& budget);

}  // namespace nmt
