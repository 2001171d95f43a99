// Error types thrown by libnmt. Library code throws; only main() catches and prints
// `nmt: error: <message>` on one line.
#pragma once

#include <stdexcept>
#include <string>

namespace nmt {

/// Base class of every error libnmt reports to the user.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A configuration problem: `file:line: key.path: problem (expected ...)`.
class ConfigError : public Error {
 public:
  using Error::Error;
};

/// A problem with one config key found after loading, where the key's file and line are not
/// known (e.g. sizes that do not fit together, found by the module that needs them). Whoever
/// has the Config adds where the key was set (see check_model_config).
class ConfigKeyError : public ConfigError {
 public:
  ConfigKeyError(std::string key, const std::string& problem)
      : ConfigError(key + ": " + problem), key_(std::move(key)) {}
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

/// A problem with input data: names the file and, where it applies, the line.
class DataError : public Error {
 public:
  using Error::Error;
};

}  // namespace nmt
