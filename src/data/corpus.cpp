// Line reading through zlib's gzread, which passes plain files through unchanged.
#include "data/corpus.h"

#include <zlib.h>

#include <filesystem>
#include <istream>
#include <memory>

#include "common/errors.h"
#include "common/utf8.h"

namespace nmt {
namespace {

// Splits `buffer` into lines, moving complete ones into `lines`; keeps the unfinished tail.
void take_lines(std::string& buffer, std::vector<std::string>& lines) {
  size_t start = 0;
  for (size_t nl; (nl = buffer.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.emplace_back(buffer, start, nl - start);
  }
  buffer.erase(0, start);
}

// Drops trailing '\r' and checks UTF-8, naming the file and 1-based line on failure.
void finish_lines(std::vector<std::string>& lines, const std::string& name) {
  for (size_t i = 0; i < lines.size(); ++i) {
    auto& line = lines[i];
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!is_valid_utf8(line)) {
      throw DataError(name + ":" + std::to_string(i + 1) + ": invalid UTF-8");
    }
  }
}

}  // namespace

std::vector<std::string> read_lines(const std::string& path) {
  // Pipes, FIFOs and /dev/stdin are read like files: `--input <(zcat f.gz)` is how people feed one.
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) throw DataError(path + ": no such file");
  if (std::filesystem::is_directory(status)) throw DataError(path + ": is a folder, not a file");
  std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), gzclose);
  if (!file) throw DataError(path + ": cannot open for reading");
  gzbuffer(file.get(), 1 << 17);

  std::vector<std::string> lines;
  std::string buffer;
  std::string chunk(1 << 16, '\0');
  for (;;) {
    const int n = gzread(file.get(), chunk.data(), static_cast<unsigned>(chunk.size()));
    if (n < 0) {
      int errnum = 0;
      throw DataError(path + ": read error (" + gzerror(file.get(), &errnum) + ")");
    }
    if (n == 0) break;
    buffer.append(chunk.data(), n);
    take_lines(buffer, lines);
  }
  // gzread reports a gzip stream that ends early only through gzerror, as Z_BUF_ERROR.
  int errnum = Z_OK;
  gzerror(file.get(), &errnum);
  if (errnum == Z_BUF_ERROR) {
    throw DataError(path + ": truncated gzip file (unexpected end of file)");
  }
  if (!buffer.empty()) lines.push_back(std::move(buffer));
  finish_lines(lines, path);
  return lines;
}

std::vector<std::string> read_lines(std::istream& in, const std::string& name) {
  std::vector<std::string> lines;
  std::string buffer;
  std::string chunk(1 << 16, '\0');
  while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
    buffer.append(chunk.data(), in.gcount());
    take_lines(buffer, lines);
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
