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
#include <utility>

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

}  // namespace

AtomicFile::AtomicFile(const std::string& path) : path_(path) {
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode)) {  // a device or a FIFO: written through
    fd_ = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0 && errno == ENXIO) throw Error(path + ": cannot write: nobody reads this FIFO");
    if (fd_ < 0) throw Error(path + ": cannot open for writing: " + errno_text());
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
    return;
  }
  target_ = resolve_links(path);
  tmp_ = target_ + ".XXXXXX";
  fd_ = ::mkostemp(tmp_.data(), O_CLOEXEC);
  if (fd_ < 0) {
    throw Error(path + ": cannot create a temporary file " + tmp_ + ": " + errno_text());
  }
  if (::fchmod(fd_, exists ? st.st_mode & 07777 : 0644) != 0) fail("set permissions", errno);
}

AtomicFile::~AtomicFile() {
  if (fd_ < 0) return;
  ::close(fd_);
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
}

void AtomicFile::write(std::string_view piece) noexcept {
  if (error_ == 0 && !write_all(fd_, piece)) error_ = errno;
}

void AtomicFile::fail(const std::string& what, int error) {
  ::close(fd_);
  fd_ = -1;
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
  throw Error(path_ + ": cannot " + what + ": " + std::strerror(error));
}

void AtomicFile::commit() {
  if (error_ != 0) fail("write", error_);
  if (!tmp_.empty() && ::fsync(fd_) != 0) fail("sync", errno);
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) {
    const int error = errno;
    if (!tmp_.empty()) ::unlink(tmp_.c_str());
    throw Error(path_ + ": cannot write: " + std::strerror(error));
  }
  if (tmp_.empty()) return;
  if (::rename(tmp_.c_str(), target_.c_str()) != 0) {
    const int error = errno;
    ::unlink(tmp_.c_str());
    throw Error(path_ + ": cannot replace: " + std::strerror(error));
  }
  const auto dir = fs::path(target_).parent_path();
  fsync_path(dir.empty() ? "." : dir.string(), O_RDONLY | O_DIRECTORY);
}

void write_file_atomic(const std::string& path,
                       const std::function<void(const PieceWriter&)>& produce) {
  AtomicFile file(path);
  produce([&file](std::string_view piece) { file.write(piece); });
  file.commit();
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
  if (ok) return;
  if (errno == EPIPE) throw ReaderGone("standard output: its reader has gone (broken pipe)");
  throw Error(std::string("standard output: ") +
              (errno != 0 ? errno_text() : std::string("write error")));
}

CommandOutput::CommandOutput(const std::string& path) {
  if (path != "-") file_ = std::make_unique<AtomicFile>(path);
}

void CommandOutput::write(std::string_view piece) {
  if (!file_) {
    write_standard_output(piece);
    return;
  }
  file_->write(piece);
  if (file_->failed()) file_->commit();  // throws, naming the failure
}

void CommandOutput::finish() {
  if (file_) file_->commit();
}

void write_output(const std::string& path, std::string_view content) {
  CommandOutput output(path);
  output.write(content);
  output.finish();
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
