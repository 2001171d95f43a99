// Reading text corpora: plain or gzip files, one UTF-8 segment per line, and parallel pairs
// named by a path prefix plus a language suffix (`data/multi30k/train` + `en`).
#pragma once

#include <string>
#include <vector>

struct gzFile_s;

namespace nmt {

/// Reads a UTF-8 text file (plain or gzip, detected by content) into lines, as sacreBLEU
/// does: only '\n' ends a line, a trailing '\r' is dropped (CRLF reads as LF), a final line
/// without '\n' counts, empty lines count. Throws DataError naming the file (and the line
/// for invalid UTF-8), also for a gzip file that ends early.
std::vector<std::string> read_lines(const std::string& path);

/// Reads lines from an open stream (e.g. standard input) with the same rules; `name` is used
/// in error messages.
std::vector<std::string> read_lines(std::istream& in, const std::string& name);

/// Reads a text file's lines a few at a time, by read_lines' rules, so that a long input can
/// be worked on and written as it is read. "-" is standard input, named "<stdin>".
class LineReader {
 public:
  explicit LineReader(const std::string& path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  /// The next `count` lines or fewer; empty at the end. Throws DataError naming the file (and
  /// line).
  std::vector<std::string> next(size_t count);
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  gzFile_s* file_ = nullptr;
  std::string buffer_;
  size_t lines_read_ = 0;
  bool at_end_ = false;
};

/// `prefix.lang` if it exists, else `prefix.lang.gz`; throws DataError naming both
/// candidates (and `key`, the config key the prefix came from) if neither exists.
std::string corpus_file(const std::string& prefix, const std::string& lang, const std::string& key);

/// Source and target segments of a parallel corpus; line i of one pairs with line i of the
/// other.
struct ParallelCorpus {
  std::string src_file, trg_file;
  std::vector<std::string> src, trg;
  size_t size() const { return src.size(); }
};

/// Reads `prefix.src` and `prefix.trg` (each plain or .gz). Throws DataError naming both
/// files and both counts if the line counts differ.
ParallelCorpus read_parallel(const std::string& prefix, const std::string& src_lang,
                             const std::string& trg_lang, const std::string& key);

}  // namespace nmt
