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
/// name, an override without '=', a key that must be equal for every variant (data.*,
/// train.threads: --set them) or one the lab sets (see check_not_set_by_lab).
Variant parse_variant(const std::string& text);

/// Throws ConfigError naming `where` if the override "KEY=VALUE" sets what nmt compare sets for
/// every run: model_dir, train.seed, and the limits its budget replaces (train.max_steps,
/// max_epochs, max_minutes, patience).
void check_not_set_by_lab(const std::string& override_text, const std::string& where);

/// Parses "updates=N", "tokens=N" or "minutes=M" (pure training time). Throws ConfigError.
TrainBudget parse_budget(const std::string& text);

/// The budget as parse_budget reads it, e.g. "updates=300".
std::string budget_text(const TrainBudget& budget);

}  // namespace nmt
