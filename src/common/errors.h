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

/// A problem with input data: names the file and, where it applies, the line.
class DataError : public Error {
 public:
  using Error::Error;
};

}  // namespace nmt
