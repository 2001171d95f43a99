#include "common/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/errors.h"

namespace nmt {
namespace {

namespace fs = std::filesystem;

std::string errno_text() { return std::strerror(errno); }

void fsync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Writes all of `content` to `fd`; false with errno set on failure.
bool write_all(int fd, std::string_view content) {
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    written += static_cast<size_t>(n);
  }
  return true;
}

// Runs `produce` with a writer into `fd`; false with errno set if a write failed (the pieces
// after a failed one are dropped).
bool write_pieces(int fd, const std::function<void(const PieceWriter&)>& produce) {
  int error = 0;
  produce([&](std::string_view piece) {
    if (error == 0 && !write_all(fd, piece)) error = errno;
  });
  errno = error;
  return error == 0;
}

// The path `path` names after following symbolic links; the last one may dangle.
std::string resolve_links(const std::string& path) {
  std::string current = path;
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(current, ec))) return current;
    const fs::path target = fs::read_symlink(current, ec);
    if (ec) throw Error(path + ": cannot read symbolic link " + current + ": " + ec.message());
    current = target.is_absolute() ? target.string()
                                   : (fs::path(current).parent_path() / target).string();
  }
  throw Error(path + ": too many levels of symbolic links");
}

// Writes into an existing file that is not a regular one (a device, a FIFO) without
// replacing it. A FIFO nobody reads is an error rather than a wait.
void write_through(const std::string& path,
                   const std::function<void(const PieceWriter&)>& produce) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0 && errno == ENXIO) throw Error(path + ": cannot write: nobody reads this FIFO");
  if (fd < 0) throw Error(path + ": cannot open for writing: " + errno_text());
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  if (!write_pieces(fd, produce)) {
    const std::string reason = errno_text();
    ::close(fd);
    throw Error(path + ": cannot write: " + reason);
  }
  if (::close(fd) != 0) throw Error(path + ": cannot write: " + errno_text());
}

// Replaces the regular file `target` (or creates it) through a uniquely named temporary
// file in its folder; `path` is the name the caller gave, used in messages.
void replace_atomically(const std::string& path, const std::string& target,
                        const std::function<void(const PieceWriter&)>& produce, mode_t mode) {
  std::string tmp = target + ".XXXXXX";
  const int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) throw Error(path + ": cannot create a temporary file " + tmp + ": " + errno_text());
  auto fail = [&](const std::string& what) {
    const std::string reason = errno_text();
    ::close(fd);
    ::unlink(tmp.c_str());
    throw Error(path + ": cannot " + what + ": " + reason);
  };
  if (::fchmod(fd, mode) != 0) fail("set permissions");
  if (!write_pieces(fd, produce)) fail("write");
  if (::fsync(fd) != 0) fail("sync");
  if (::close(fd) != 0) {
    const std::string reason = errno_text();
    ::unlink(tmp.c_str());
    throw Error(path + ": cannot write: " + reason);
  }
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    const std::string reason = errno_text();
    ::unlink(tmp.c_str());
    throw Error(path + ": cannot replace: " + reason);
  }
  const auto dir = fs::path(target).parent_path();
  fsync_path(dir.empty() ? "." : dir.string(), O_RDONLY | O_DIRECTORY);
}

}  // namespace

void write_file_atomic(const std::string& path,
                       const std::function<void(const PieceWriter&)>& produce) {
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode)) {
    write_through(path, produce);
    return;
  }
  replace_atomically(path, resolve_links(path), produce, exists ? st.st_mode & 07777 : 0644);
}

void refuse_same_output(const std::string& option_a, const std::string& a,
                        const std::string& option_b, const std::string& b) {
  const auto is_file = [](const std::string& p) { return !p.empty() && p != "-"; };
  if (!is_file(a) || !is_file(b)) return;
  std::error_code ignored;
  const auto resolved_a = std::filesystem::weakly_canonical(a, ignored);
  const auto resolved_b = std::filesystem::weakly_canonical(b, ignored);
  if (a == b || (!resolved_a.empty() && resolved_a == resolved_b)) {
    throw ConfigError(option_a + " " + a + " and " + option_b + " " + b +
                      " name the same file: give each output its own");
  }
}

void write_file_atomic(const std::string& path, std::string_view content) {
  write_file_atomic(path, [content](const PieceWriter& write) { write(content); });
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  if (in) bytes << in.rdbuf();
  if (!in || in.bad()) throw Error(path + ": cannot read (" + std::strerror(errno) + ")");
  return bytes.str();
}

void write_standard_output(std::string_view content) {
  errno = 0;
  std::cout.flush();
  const bool ok = std::fwrite(content.data(), 1, content.size(), stdout) == content.size() &&
                  std::fflush(stdout) == 0 && std::cout.good() && !std::ferror(stdout);
  if (!ok) {
    throw Error(std::string("standard output: ") +
                (errno != 0 ? errno_text() : std::string("write error")));
  }
}

void write_output(const std::string& path, std::string_view content) {
  if (path == "-") {
    write_standard_output(content);
  } else {
    write_file_atomic(path, content);
  }
}

void ensure_writable_dir(const std::string& dir, const std::string& key) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) {
    throw Error(key + ": cannot create directory " + dir + (ec ? ": " + ec.message() : ""));
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    throw Error(key + ": directory " + dir + " is not writable: " + errno_text());
  }
}

}  // namespace nmt
