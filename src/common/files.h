// File-system helpers: atomic writes (so a crash never leaves a half-written file), checked
// writes to standard output, and the writable-directory check done before any long job starts.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace nmt {

/// Writes `content` to `path` so that readers see the old file or the new one, never a
/// partial one: through a uniquely named temporary file in the same folder (write, fsync,
/// rename, fsync the folder), so concurrent writers do not collide and a failed write leaves
/// the old file and no temporary behind. A new file gets mode 0644, a replaced one keeps its
/// mode. A symlink stays a link: the file it points to is replaced (or created). An existing
/// path that is not a regular file (/dev/null, a FIFO) is written through, not replaced; a
/// FIFO without a reader is an error. Throws Error naming `path` and the reason.
void write_file_atomic(const std::string& path, std::string_view content);

/// Writes one piece of a file's content. It never throws: a failed write is reported once the
/// whole content is produced, so a producer that cannot stop halfway (LibTorch's archive
/// writer) is never interrupted by an exception.
using PieceWriter = std::function<void(std::string_view piece)>;

/// write_file_atomic for content made piece by piece: `produce` hands each piece, in order, to
/// the writer it is given. A checkpoint of hundreds of MB goes to its file without a copy of it
/// in memory.
void write_file_atomic(const std::string& path,
                       const std::function<void(const PieceWriter&)>& produce);

/// The bytes of the file at `path`. Throws Error naming `path` if it cannot be read.
std::string read_file(const std::string& path);

/// Writes `content` to standard output and flushes it, with whatever std::cout holds before
/// it. Throws Error "standard output: <reason>" when that fails (a full disk, a closed
/// descriptor): buffered output fails only when flushed, and would otherwise be lost silently.
void write_standard_output(std::string_view content);

/// A command's output: write_standard_output for "-", else write_file_atomic to `path`.
void write_output(const std::string& path, std::string_view content);

/// Throws ConfigError when two outputs of one command (option name and path; "" and "-" are
/// not files) name the same file, after resolving links: the second would overwrite the first.
void refuse_same_output(const std::string& option_a, const std::string& a,
                        const std::string& option_b, const std::string& b);

/// Creates `dir` if needed and checks that files can be created in it; throws Error naming
/// `key` (the config key it came from) and the directory otherwise.
void ensure_writable_dir(const std::string& dir, const std::string& key);

}  // namespace nmt
