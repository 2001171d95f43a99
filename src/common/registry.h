// A name -> entry table for everything chosen by a config name (attention types, ...).
// Lookups of unknown names fail with the config key and the list of known names.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/errors.h"

namespace nmt {

template <typename Entry>
class Registry {
 public:
  /// `key` is the config key the names come from, used in errors.
  explicit Registry(std::string key) : key_(std::move(key)) {}

  void add(std::string name, Entry entry) {
    entries_.emplace_back(std::move(name), std::move(entry));
  }

  const Entry& at(const std::string& name) const { return at(name, key_); }

  /// For a registry that several keys name (e.g. model.encoder.rnn and model.decoder.rnn).
  const Entry& at(const std::string& name, const std::string& key) const {
    for (const auto& [n, entry] : entries_) {
      if (n == name) return entry;
    }
    throw ConfigKeyError(key,
                         "unknown value '" + name + "' (expected one of: " + joined_names() + ")");
  }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : entries_) out.push_back(e.first);
    return out;
  }

 private:
  std::string joined_names() const {
    std::string out;
    for (const auto& e : entries_) out += (out.empty() ? "" : ", ") + e.first;
    return out;
  }

  std::string key_;
  std::vector<std::pair<std::string, Entry>> entries_;
};

}  // namespace nmt
