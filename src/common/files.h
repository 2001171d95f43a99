// File-system helpers: atomic writes (so a crash never leaves a half-written file) and
// the writable-directory check done before any long job starts.
#pragma once

#include <string>
#include <string_view>

namespace nmt {

/// Writes `content` to `path` through `path.tmp`: write, flush, fsync, rename, then fsync
/// the directory. Readers see the old file or the new one, never a partial one.
void write_file_atomic(const std::string& path, std::string_view content);

/// Creates `dir` if needed and checks that files can be created in it; throws Error naming
/// `key` (the config key it came from) and the directory otherwise.
void ensure_writable_dir(const std::string& dir, const std::string& key);

}  // namespace nmt
