#include "serve/connection_watch.h"

#include <dirent.h>
#include <netdb.h>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cstdlib>
#include <set>

namespace nmt {
namespace {

// The far end of `fd` when it is a connection accepted on local port `port`, else "".
std::string accepted_peer(int fd, int port) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return "";
  sockaddr_storage local{}, remote{};
  socklen_t local_size = sizeof local, remote_size = sizeof remote;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_size) != 0 ||
      ::getpeername(fd, reinterpret_cast<sockaddr*>(&remote), &remote_size) != 0) {
    return "";
  }
  char host[NI_MAXHOST], local_port[NI_MAXSERV], remote_port[NI_MAXSERV];
  if (::getnameinfo(reinterpret_cast<sockaddr*>(&local), local_size, nullptr, 0, local_port,
                    sizeof local_port, NI_NUMERICSERV) != 0 ||
      std::atoi(local_port) != port ||
      ::getnameinfo(reinterpret_cast<sockaddr*>(&remote), remote_size, host, sizeof host,
                    remote_port, sizeof remote_port, NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return "";
  }
  return peer_name(host, std::atoi(remote_port));
}

// Bytes received on `fd` and not yet read: a connection waiting for one of the server's
// threads holds its request there, and is not cut for the wait.
int unread_bytes(int fd) {
  int bytes = 0;
  return ::ioctl(fd, FIONREAD, &bytes) == 0 ? bytes : 0;
}

}  // namespace

std::string peer_name(const std::string& address, int port) {
  return address + ":" + std::to_string(port);
}

ConnectionWatch::ConnectionWatch(int port, std::chrono::seconds head_deadline)
    : port_(port), deadline_(head_deadline), thread_([this] { run(); }) {}

ConnectionWatch::~ConnectionWatch() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void ConnectionWatch::head_received(const std::string& peer) {
  const std::lock_guard<std::mutex> lock(mutex_);
  connections_[peer].in_request = true;
}

void ConnectionWatch::answered(const std::string& peer) {
  const std::lock_guard<std::mutex> lock(mutex_);
  connections_[peer] = {std::chrono::steady_clock::now(), false};
}

void ConnectionWatch::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) {
    lock.unlock();
    check_connections();
    lock.lock();
  }
}

void ConnectionWatch::check_connections() {
  std::map<std::string, int> open;  // peer -> descriptor
  if (DIR* fds = ::opendir("/proc/self/fd")) {
    while (const dirent* entry = ::readdir(fds)) {
      if (entry->d_name[0] == '.') continue;
      const int fd = std::atoi(entry->d_name);
      const auto peer = accepted_peer(fd, port_);
      if (!peer.empty()) open[peer] = fd;
    }
    ::closedir(fds);
  }
  const auto now = std::chrono::steady_clock::now();
  std::set<int> overdue;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    std::map<std::string, Connection> still_open;
    for (const auto& [peer, fd] : open) {
      auto found = connections_.find(peer);
      const Connection c = found == connections_.end() ? Connection{now, false} : found->second;
      if (!c.in_request && now - c.waiting_since > deadline_ && unread_bytes(fd) == 0) {
        overdue.insert(fd);
      } else {
        still_open[peer] = c;
      }
    }
    connections_ = std::move(still_open);
  }
  for (const auto& [peer, fd] : open) {
    // Checked again just before: the descriptor may have been closed and reused meanwhile.
    if (overdue.count(fd) == 0 || accepted_peer(fd, port_) != peer) continue;
    spdlog::warn("[serve] {}: no complete request within {} s; connection closed", peer,
                 deadline_.count());
    ::shutdown(fd, SHUT_RDWR);
  }
}

}  // namespace nmt
