// The typed field builders of the config schema: parse, range-check and show one value.
#include "common/config_field.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "common/errors.h"

namespace nmt::config_field {
namespace {

const std::string& scalar_or_fail(const YAML::Node& node, const std::string& where,
                                  const std::string& key, const std::string& expected) {
  if (!node.IsScalar()) fail(where, key, "expected " + expected + ", got " + describe(node));
  return node.Scalar();
}

std::string integer_type(int64_t min, int64_t max) {
  if (max == std::numeric_limits<int64_t>::max()) return "integer >= " + std::to_string(min);
  return "integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
}

int64_t parse_integer(const std::string& s, const std::string& where, const std::string& key,
                      int64_t min, int64_t max) {
  int64_t value = 0;
  auto res = std::from_chars(s.data(), s.data() + s.size(), value);
  if (res.ec != std::errc() || res.ptr != s.data() + s.size()) {
    fail(where, key, "expected an integer, got '" + s + "'");
  }
  if (value < min) {
    fail(where, key, s + " is out of range (expected >= " + std::to_string(min) + ")");
  }
  if (value > max) {
    fail(where, key, s + " is out of range (expected <= " + std::to_string(max) + ")");
  }
  return value;
}

std::string show_real(double v) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

}  // namespace

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

[[noreturn]] void fail(const std::string& where, const std::string& key,
                       const std::string& problem) {
  throw ConfigError(where + ": " + key + ": " + problem);
}

std::string describe(const YAML::Node& node) {
  if (node.IsMap()) return "a section";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "nothing";
  return "'" + node.Scalar() + "'";
}

Field text(std::string key, std::string* field, std::string meaning, bool required) {
  Field f{key, std::move(meaning), required, nullptr, [field] { return *field; }, "text"};
  f.assign = [key, field](const YAML::Node& node, const std::string& where) {
    *field = scalar_or_fail(node, where, key, "a string");
  };
  return f;
}

Field choice(std::string key, std::string* field, std::vector<std::string> options,
             std::string meaning) {
  Field f{key,     std::move(meaning),         false,
          nullptr, [field] { return *field; }, "one of: " + join(options)};
  f.assign = [key, field, options](const YAML::Node& node, const std::string& where) {
    const auto& value = scalar_or_fail(node, where, key, "one of: " + join(options));
    if (std::find(options.begin(), options.end(), value) == options.end()) {
      fail(where, key, "unknown value '" + value + "' (expected one of: " + join(options) + ")");
    }
    *field = value;
  };
  return f;
}

Field integer(std::string key, int64_t* field, int64_t min, std::string meaning) {
  return integer(std::move(key), field, min, std::numeric_limits<int64_t>::max(),
                 std::move(meaning));
}

Field integer(std::string key, int64_t* field, int64_t min, int64_t max, std::string meaning) {
  Field f{key,
          std::move(meaning),
          false,
          nullptr,
          [field] { return std::to_string(*field); },
          integer_type(min, max)};
  f.assign = [key, field, min, max](const YAML::Node& node, const std::string& where) {
    *field = parse_integer(scalar_or_fail(node, where, key, "an integer"), where, key, min, max);
  };
  return f;
}

Field integer_or_auto(std::string key, std::string* field, int64_t min, int64_t max,
                      std::string meaning) {
  Field f{key,     std::move(meaning),         false,
          nullptr, [field] { return *field; }, "auto or " + integer_type(min, max)};
  f.assign = [key, field, min, max](const YAML::Node& node, const std::string& where) {
    const auto& s = scalar_or_fail(node, where, key, "auto or an integer");
    *field = s == "auto" ? s : std::to_string(parse_integer(s, where, key, min, max));
  };
  return f;
}

bool Range::contains(double v) const {
  return (min_exclusive ? v > min : v >= min) && (max_exclusive ? v < max : v <= max);
}

std::string Range::text() const {
  std::string lo = (min_exclusive ? "(" : "[") + show_real(min);
  std::string hi = max == HUGE_VAL ? "inf)" : show_real(max) + (max_exclusive ? ")" : "]");
  return lo + ", " + hi;
}

Field real(std::string key, double* field, Range range, std::string meaning) {
  Field f{key,
          std::move(meaning),
          false,
          nullptr,
          [field] { return show_real(*field); },
          "number in " + range.text()};
  f.assign = [key, field, range](const YAML::Node& node, const std::string& where) {
    const auto& s = scalar_or_fail(node, where, key, "a number");
    char* end = nullptr;
    const double value = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size()) {
      fail(where, key, "expected a number, got '" + s + "'");
    }
    if (!std::isfinite(value)) {
      fail(where, key, s + " is not a finite number (expected a value in " + range.text() + ")");
    }
    if (!range.contains(value)) {
      fail(where, key, s + " is out of range (expected a value in " + range.text() + ")");
    }
    *field = value;
  };
  return f;
}

Field flag(std::string key, bool* field, std::string meaning) {
  Field f{key,
          std::move(meaning),
          false,
          nullptr,
          [field] { return std::string(*field ? "true" : "false"); },
          "true or false"};
  f.assign = [key, field](const YAML::Node& node, const std::string& where) {
    const auto& s = scalar_or_fail(node, where, key, "true or false");
    if (s == "true" || s == "True" || s == "yes" || s == "on") {
      *field = true;
    } else if (s == "false" || s == "False" || s == "no" || s == "off") {
      *field = false;
    } else {
      fail(where, key, "expected true or false, got '" + s + "'");
    }
  };
  return f;
}

}  // namespace nmt::config_field
