// Test support: runs a shell command and captures its exit status and combined output.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "test_paths.h"

namespace nmt::test {

struct CommandResult {
  int status = -1;  // exit status, or -1 if it did not exit normally
  std::string output;
};

inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) result.output.append(buf, n);
  const int raw = pclose(pipe);
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return result;
}

/// `path` in single quotes, for a shell command line (paths here hold no quote).
inline std::string quoted(const std::string& path) { return "'" + path + "'"; }

/// The `nmt` binary under test, quoted for the shell.
inline std::string nmt_binary() { return quoted(NMT_BINARY); }

}  // namespace nmt::test
