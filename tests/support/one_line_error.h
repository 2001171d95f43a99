// Test support for hostile input: the check every robustness case makes (nmt refused with one
// `nmt: error:` line and a non-zero exit, no signal, no backtrace) and a snapshot of a folder's
// files to show that nothing the command was not asked to change has changed.
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>

#include "support/run_command.h"
#include "support/temp_dir.h"

namespace nmt::test {

/// Runs `nmt ARGS` (shell syntax, redirections allowed) under a time limit and a 6 GB
/// address-space limit, so that a hang or a runaway allocation fails the test instead of
/// stalling the machine. Output is standard error and standard output together.
inline CommandResult run_nmt(const std::string& args) {
  return run_command("ulimit -v 6000000; { timeout -s KILL 60 " + nmt_binary() + " " + args +
                     "; }");
}

/// Requires that `r` is a refusal: nmt's own exit status (1 or 2; a signal shows as -1, or as
/// 128 + signal through run_nmt's `timeout`, a time-out as 137), the output ends with exactly
/// one line starting `nmt: error:`, and there is no LibTorch backtrace. Returns that line.
inline std::string require_one_line_error(const CommandResult& r) {
  INFO("output:\n" << r.output);
  REQUIRE(r.status >= 1);
  REQUIRE(r.status <= 2);
  REQUIRE(!r.output.empty());
  REQUIRE(r.output.back() == '\n');
  const auto start = r.output.rfind('\n', r.output.size() - 2);
  const std::string last = r.output.substr(start == std::string::npos ? 0 : start + 1);
  CHECK(last.rfind("nmt: error: ", 0) == 0);
  CHECK(r.output.find("nmt: error:") == r.output.rfind("nmt: error:"));
  CHECK(r.output.find("frame #") == std::string::npos);
  CHECK(r.output.find("Exception raised from") == std::string::npos);
  CHECK(r.output.find("report a bug") == std::string::npos);
  return last;
}

/// Every regular file under `dir` (relative path -> content), symlinks and folders included
/// by their kind so that a replaced link or a new folder shows too.
inline std::map<std::string, std::string> snapshot(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const std::string name = fs::relative(entry.path(), dir).string();
    if (entry.is_symlink()) {
      files[name] = "symlink -> " + fs::read_symlink(entry.path()).string();
    } else if (entry.is_regular_file()) {
      files[name] = read_text(entry.path().string());
    } else {
      files[name] = "(not a regular file)";
    }
  }
  return files;
}

}  // namespace nmt::test
