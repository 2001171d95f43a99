// An exclusive lock on a directory, so that two processes never write into one model
// directory at once. It is a flock(2) on DIR/.lock: the kernel drops it when the process
// ends, however it ends, so a crash never leaves a stale lock behind.
#pragma once

#include <string>

namespace nmt {

class DirectoryLock {
 public:
  /// Takes the lock on `dir` (which must exist) without waiting. Throws Error naming `key`
  /// (the config key the directory came from), the directory and the pid of the process
  /// that holds it.
  DirectoryLock(const std::string& dir, const std::string& key);
  ~DirectoryLock();
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace nmt
