// Line reading through zlib's gzread, which passes plain files through unchanged.
#include "data/corpus.h"

#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <istream>
#include <iterator>

#include "common/errors.h"
#include "common/utf8.h"

namespace nmt {
namespace {

// Moves the complete lines of `buffer`, at most `count` of them, into `lines`; keeps the rest.
void take_lines(std::string& buffer, std::vector<std::string>& lines, size_t count) {
  size_t start = 0;
  for (size_t nl; lines.size() < count && (nl = buffer.find('\n', start)) != std::string::npos;
       start = nl + 1) {
    lines.emplace_back(buffer, start, nl - start);
  }
  buffer.erase(0, start);
}

// Drops trailing '\r' and checks UTF-8, naming the file and 1-based line (the first of
// `lines` being line `first`) on failure.
void finish_lines(std::vector<std::string>& lines, const std::string& name, size_t first = 1) {
  for (size_t i = 0; i < lines.size(); ++i) {
    auto& line = lines[i];
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!is_valid_utf8(line)) {
      throw DataError(name + ":" + std::to_string(first + i) + ": invalid UTF-8");
    }
  }
}

}  // namespace

LineReader::LineReader(const std::string& path) : name_(path == "-" ? "<stdin>" : path) {
  if (path == "-") {
    const int fd = ::dup(STDIN_FILENO);
    file_ = fd < 0 ? nullptr : gzdopen(fd, "rb");
    if (file_ == nullptr) throw DataError(name_ + ": cannot open for reading");
  } else {
    // Pipes, FIFOs and /dev/stdin are read like files: `--input <(zcat f.gz)` is how people
    // feed one.
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (!std::filesystem::exists(status)) throw DataError(path + ": no such file");
    if (std::filesystem::is_directory(status)) throw DataError(path + ": is a folder, not a file");
    file_ = gzopen(path.c_str(), "rb");
    if (file_ == nullptr) throw DataError(path + ": cannot open for reading");
  }
  gzbuffer(file_, 1 << 17);
}

LineReader::~LineReader() { gzclose(file_); }

std::vector<std::string> LineReader::next(size_t count) {
  std::vector<std::string> lines;
  take_lines(buffer_, lines, count);
  std::string chunk(1 << 16, '\0');
  while (lines.size() < count && !at_end_) {
    const int n = gzread(file_, chunk.data(), static_cast<unsigned>(chunk.size()));
    if (n < 0) {
      int errnum = 0;
      throw DataError(name_ + ": read error (" + gzerror(file_, &errnum) + ")");
    }
    if (n == 0) {
      // gzread reports a gzip stream that ends early only through gzerror, as Z_BUF_ERROR.
      int errnum = Z_OK;
      gzerror(file_, &errnum);
      if (errnum == Z_BUF_ERROR) {
        throw DataError(name_ + ": truncated gzip file (unexpected end of file)");
      }
      at_end_ = true;
      if (!buffer_.empty()) buffer_ += '\n';  // a final line without '\n' counts
      take_lines(buffer_, lines, count);
      break;
    }
    buffer_.append(chunk.data(), n);
    take_lines(buffer_, lines, count);
  }
  finish_lines(lines, name_, lines_read_ + 1);
  lines_read_ += lines.size();
  return lines;
}

std::vector<std::string> read_lines(const std::string& path) {
  LineReader reader(path);
  std::vector<std::string> lines;
  for (auto some = reader.next(1 << 16); !some.empty(); some = reader.next(1 << 16)) {
    lines.insert(lines.end(), std::make_move_iterator(some.begin()),
                 std::make_move_iterator(some.end()));
  }
  return lines;
}

std::vector<std::string> read_lines(std::istream& in, const std::string& name) {
  std::vector<std::string> lines;
  std::string buffer;
  std::string chunk(1 << 16, '\0');
  while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
    buffer.append(chunk.data(), in.gcount());
    take_lines(buffer, lines, SIZE_MAX);
  }
  if (!buffer.empty()) lines.push_back(std::move(buffer));
  finish_lines(lines, name);
  return lines;
}

std::string corpus_file(const std::string& prefix, const std::string& lang,
                        const std::string& key) {
  const std::string plain = prefix + "." + lang;
  if (std::filesystem::is_regular_file(plain)) return plain;
  if (std::filesystem::is_regular_file(plain + ".gz")) return plain + ".gz";
  throw DataError(key + ": no corpus file " + plain + " or " + plain + ".gz");
}

ParallelCorpus read_parallel(const std::string& prefix, const std::string& src_lang,
                             const std::string& trg_lang, const std::string& key) {
  ParallelCorpus corpus;
  corpus.src_file = corpus_file(prefix, src_lang, key);
  corpus.trg_file = corpus_file(prefix, trg_lang, key);
  corpus.src = read_lines(corpus.src_file);
  corpus.trg = read_lines(corpus.trg_file);
  if (corpus.src.size() != corpus.trg.size()) {
    throw DataError(key + ": line counts differ: " + corpus.src_file + " has " +
                    std::to_string(corpus.src.size()) + " lines, " + corpus.trg_file + " has " +
                    std::to_string(corpus.trg.size()));
  }
  return corpus;
}

}  // namespace nmt
