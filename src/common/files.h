// File-system helpers: atomic writes (so a crash never leaves a half-written file), checked
// writes to standard output, outputs written as they are produced, and the writable-directory check
// done before any long job starts.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/errors.h"

namespace nmt {

/// A file written piece by piece that readers see whole or not at all: the pieces go to a
/// uniquely named temporary file in the same folder, and commit() syncs it and renames it into
/// place (then syncs the folder), so concurrent writers do not collide and a failure leaves
/// the old file and no temporary behind. A new file gets mode 0644, a replaced one keeps its
/// mode. A symlink stays a link: the file it points to is replaced (or created). An existing
/// path that is not a regular file (/dev/null, a FIFO) is written through, not replaced; a
/// FIFO without a reader is an error. Errors name `path` and the reason.
class AtomicFile {
 public:
  explicit AtomicFile(const std::string& path);
  ~AtomicFile();  // without commit(): the temporary file is removed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  /// Appends `piece`. Never throws, so a producer that cannot stop halfway (LibTorch's archive
  /// writer) is never interrupted: a failed write is remembered, and the pieces after it dropped.
  void write(std::string_view piece) noexcept;
  bool failed() const { return error_ != 0; }
  /// Puts the file in place; throws Error naming the path and the first failure.
  void commit();

 private:
  [[noreturn]] void fail(const std::string& what, int error);

  std::string path_, target_, tmp_;  // tmp_ is empty when writing through
  int fd_ = -1;
  int error_ = 0;
};

/// Writes `content` to `path` through an AtomicFile.
void write_file_atomic(const std::string& path, std::string_view content);

/// Writes one piece of a file's content (AtomicFile::write).
using PieceWriter = std::function<void(std::string_view piece)>;

/// write_file_atomic for content made piece by piece: `produce` hands each piece, in order, to
/// the writer it is given. A checkpoint of hundreds of MB goes to its file without a copy of it
/// in memory.
void write_file_atomic(const std::string& path,
                       const std::function<void(const PieceWriter&)>& produce);

/// The bytes of the file at `path`. Throws Error naming `path` if it cannot be read.
std::string read_file(const std::string& path);

/// Thrown when standard output's reader has gone (`nmt translate ... | head -1`): main ends
/// quietly with status 141, as a process stopped by SIGPIPE does.
class ReaderGone : public Error {
 public:
  using Error::Error;
};

/// Writes `content` to standard output and flushes it, with whatever std::cout holds before
/// it. Throws ReaderGone on a broken pipe, else Error "standard output: <reason>" when the
/// write fails (a full disk, a closed descriptor): buffered output fails only when flushed,
/// and would otherwise be lost silently.
void write_standard_output(std::string_view content);

/// A command's output as it is produced: "-" is standard output, written and flushed piece by
/// piece; a path is an AtomicFile that appears under its name at finish(). write() throws on
/// the first failure, so a long job stops at a full disk or a closed pipe.
class CommandOutput {
 public:
  explicit CommandOutput(const std::string& path);
  void write(std::string_view piece);
  void finish();

 private:
  std::unique_ptr<AtomicFile> file_;  // null for standard output
};

/// Writes a command's whole output at once through a CommandOutput.
void write_output(const std::string& path, std::string_view content);

/// Throws ConfigError when two outputs of one command (option name and path; "" and "-" are
/// not files) name the same file, after resolving links: the second would overwrite the first.
void refuse_same_output(const std::string& option_a, const std::string& a,
                        const std::string& option_b, const std::string& b);

/// Creates `dir` if needed and checks that files can be created in it; throws Error naming
/// `key` (the config key it came from) and the directory otherwise.
void ensure_writable_dir(const std::string& dir, const std::string& key);

}  // namespace nmt
