// The progress line of `nmt translate` on standard error: sentences done, sentences per second,
// and the time left where the input's size is known (a regular file, not gzip). On a terminal
// the line is rewritten in place; elsewhere (--progress into a log) each update is a line.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace nmt::cli {

/// The lines of `path` when it is a regular uncompressed file, else nullopt (standard input,
/// pipes, FIFOs, gzip).
std::optional<int64_t> known_line_count(const std::string& path);

class TranslateProgress {
 public:
  /// `input`: the --input path ("-": standard input); `terminal`: whether standard error is one.
  TranslateProgress(const std::string& input, bool terminal);
  /// After each chunk: `sentences` translated so far.
  void update(int64_t sentences);
  /// Ends the line (on a terminal).
  void finish();

 private:
  std::optional<int64_t> total_;
  bool terminal_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace nmt::cli
