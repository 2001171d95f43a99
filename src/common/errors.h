// Error types thrown by libnmt. Library code throws; only main() catches and prints
// `nmt: error: <message>` on one line.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

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

/// An error every data-parallel worker meets alike (a verdict they share, a loss all of them
/// summed): the worker of rank 0 reports it, and the others stop without repeating it.
class AgreedError : public Error {
 public:
  using Error::Error;
};

/// The first non-blank line of `text`, trimmed: messages of other libraries carry backtraces
/// or notes after it.
inline std::string first_line(std::string_view text) {
  const auto start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return "";
  text = text.substr(start, text.find('\n', start) - start);
  return std::string(text.substr(0, text.find_last_not_of(" \t\r") + 1));
}

}  // namespace nmt
