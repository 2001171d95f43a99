#include "cli/translate_progress.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

namespace nmt::cli {

std::optional<int64_t> known_line_count(const std::string& path) {
  struct stat info {};
  if (path == "-" || stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return {};
  std::ifstream in(path, std::ios::binary);
  char buffer[1 << 16];
  in.read(buffer, 2);
  if (in.gcount() == 2 && static_cast<unsigned char>(buffer[0]) == 0x1f &&
      static_cast<unsigned char>(buffer[1]) == 0x8b) {
    return {};  // gzip: its line count would take a decompression
  }
  in.clear();
  in.seekg(0);
  int64_t lines = 0;
  char last = '\n';
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    const auto n = in.gcount();
    lines += std::count(buffer, buffer + n, '\n');
    last = buffer[n - 1];
  }
  return lines + (last == '\n' ? 0 : 1);  // a last line without its newline counts too
}

TranslateProgress::TranslateProgress(const std::string& input, bool terminal)
    : total_(known_line_count(input)), terminal_(terminal) {}

void TranslateProgress::update(int64_t sentences) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(sentences) / seconds : 0.0;
  std::string line = fmt::format("[translate] {} sentences", sentences);
  if (total_) line += fmt::format(" of {}", *total_);
  line += fmt::format(", {:.1f} sentences/s", rate);
  if (total_ && rate > 0 && *total_ >= sentences) {
    const auto left = static_cast<int64_t>(static_cast<double>(*total_ - sentences) / rate + 0.5);
    line += fmt::format(", {}:{:02d} left", left / 60, left % 60);
  }
  std::fprintf(stderr, terminal_ ? "\r%s\033[K" : "%s\n", line.c_str());
  std::fflush(stderr);
}

void TranslateProgress::finish() {
  if (terminal_) std::fputc('\n', stderr);
}

}  // namespace nmt::cli
