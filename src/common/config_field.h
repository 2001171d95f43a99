// Typed config fields: how one key's YAML value is parsed, range-checked and shown. Used only
// by config.cpp, which lists every key; it includes yaml-cpp, so no public header includes it.
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/config.h"

namespace nmt::config_field {

/// One key of the schema: parses and checks a YAML value into its field (throwing
/// ConfigError "where: key: problem"), and shows the field's current value.
struct Field {
  std::string key;
  std::string meaning;
  bool required = false;
  std::function<void(const YAML::Node&, const std::string& where)> assign;
  std::function<std::string()> show;
  std::string type;  // what values it takes, e.g. "integer >= 1", "one of: fp32, bf16, auto"
};

/// A real number in [min, max], or (min, max] when `min_exclusive`, or [min, max) when
/// `max_exclusive`.
struct Range {
  double min, max;
  bool min_exclusive = false, max_exclusive = false;
  bool contains(double v) const;
  std::string text() const;
};

Field text(std::string key, std::string* field, std::string meaning, bool required = false);
Field choice(std::string key, std::string* field, std::vector<std::string> options,
             std::string meaning);
/// One of the names of an enum choice (choice_names in config.h), kept as the enum.
template <typename Choice>
Field choice(std::string key, Choice* field, std::string meaning) {
  const auto* names = &choice_names(Choice{});
  auto name = std::make_shared<std::string>();
  Field f = choice(std::move(key), name.get(), *names, std::move(meaning));
  f.assign = [parse = f.assign, name, names, field](const YAML::Node& node,
                                                    const std::string& where) {
    parse(node, where);
    const auto at = std::find(names->begin(), names->end(), *name) - names->begin();
    *field = static_cast<Choice>(at);
  };
  f.show = [field] { return choice_name(*field); };
  return f;
}
/// An integer >= min (a count, e.g. steps), or in [min, max] (a size that must be allocated).
Field integer(std::string key, int64_t* field, int64_t min, std::string meaning);
Field integer(std::string key, int64_t* field, int64_t min, int64_t max, std::string meaning);
/// A finite real number in `range` (inf and nan never are).
Field real(std::string key, double* field, Range range, std::string meaning);
Field flag(std::string key, bool* field, std::string meaning);
/// "auto", or an integer in [min, max] kept as its text (e.g. "2").
Field integer_or_auto(std::string key, std::string* field, int64_t min, int64_t max,
                      std::string meaning);

std::string join(const std::vector<std::string>& items);
/// "a section", "a list", "nothing" or the quoted scalar.
std::string describe(const YAML::Node& node);
[[noreturn]] void fail(const std::string& where, const std::string& key,
                       const std::string& problem);

}  // namespace nmt::config_field
