#include "lab/variant.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "common/errors.h"

namespace nmt {
namespace {

bool is_name(const std::string& name) {
  if (name.empty() || name == "." || name == "..") return false;
  for (const char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

// Keys the lab sets for every run: where it goes, its seed, and how long it trains.
bool set_by_lab(const std::string& key) {
  return key == "model_dir" || key == "train.seed" || key == "train.max_steps" ||
         key == "train.max_epochs" || key == "train.max_minutes" || key == "train.patience";
}

// Keys that must be the same for every variant: the data, its subwords, the threads.
bool same_for_all(const std::string& key) {
  return key.rfind("data.", 0) == 0 || key == "data" || key == "train.threads";
}

}  // namespace

Variant parse_variant(const std::string& text) {
  const std::string where = "--variant '" + text + "'";
  Variant v;
  const auto colon = text.find(':');
  v.name = text.substr(0, colon);
  if (!is_name(v.name)) {
    throw ConfigError(where + ": '" + v.name +
                      "' is not a variant name (expected NAME[:KEY=VALUE,...] with a name of "
                      "letters, digits, '_', '-' and '.')");
  }
  if (colon == std::string::npos) return v;
  const std::string rest = text.substr(colon + 1);
  for (size_t start = 0; start <= rest.size();) {
    const size_t end = std::min(rest.find(',', start), rest.size());
    const std::string item = rest.substr(start, end - start);
    start = end + 1;
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw ConfigError(where + ": '" + item + "' is not KEY=VALUE");
    }
    const std::string key = item.substr(0, eq);
    if (same_for_all(key)) {
      throw ConfigError(where + ": " + key +
                        " is the same for every variant of a comparison (set it with --set)");
    }
    check_not_set_by_lab(item, where);
    v.overrides.push_back(item);
  }
  return v;
}

void check_not_set_by_lab(const std::string& override_text, const std::string& where) {
  const std::string key = override_text.substr(0, override_text.find('='));
  if (set_by_lab(key)) {
    throw ConfigError(where + ": " + key +
                      " is set by nmt compare for every run (--budget decides how long each "
                      "trains, --seeds its train.seed, --out where)");
  }
}

TrainBudget parse_budget(const std::string& text) {
  const auto eq = text.find('=');
  const std::string kind = text.substr(0, eq);
  const std::string value = eq == std::string::npos ? "" : text.substr(eq + 1);
  const std::string expected = " (expected updates=N, tokens=N or minutes=M)";
  std::size_t used = 0;
  double number = 0;
  try {
    number = std::stod(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != value.size() || !std::isfinite(number) || number <= 0) {
    throw ConfigError("--budget '" + text + "': not a positive number" + expected);
  }
  TrainBudget budget;
  const bool whole = number == std::floor(number) && number < 1e15;
  if (kind == "updates" && whole) {
    budget.updates = static_cast<int64_t>(number);
  } else if (kind == "tokens" && whole) {
    budget.target_tokens = static_cast<int64_t>(number);
  } else if (kind == "minutes") {
    budget.training_seconds = 60 * number;
  } else {
    throw ConfigError("--budget '" + text + "'" + expected);
  }
  return budget;
}

std::string budget_text(const TrainBudget& budget) {
  if (budget.updates > 0) return "updates=" + std::to_string(budget.updates);
  if (budget.target_tokens > 0) return "tokens=" + std::to_string(budget.target_tokens);
  std::ostringstream text;
  text << "minutes=" << budget.training_seconds / 60;
  return text.str();
}

}  // namespace nmt
