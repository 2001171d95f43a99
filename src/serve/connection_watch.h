// A deadline for each connection's request head: httplib times out each read (5 s) but not a
// request, so a client that sends a header line every few seconds holds one of the server's
// threads for as long as it likes, and 64 of them starve every other client. The watch closes
// the connections of this server that have been waiting for a complete request head for longer
// than the deadline, whether they trickle bytes or not.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace nmt {

class ConnectionWatch {
 public:
  /// Watches the connections accepted on local port `port`, once a second.
  ConnectionWatch(int port, std::chrono::seconds head_deadline);
  ~ConnectionWatch();
  ConnectionWatch(const ConnectionWatch&) = delete;
  ConnectionWatch& operator=(const ConnectionWatch&) = delete;

  /// The connection from `peer` ("address:port") has sent a complete request head.
  void head_received(const std::string& peer);
  /// Its answer is written: it waits for its next request head from now on.
  void answered(const std::string& peer);

 private:
  struct Connection {
    std::chrono::steady_clock::time_point waiting_since;
    bool in_request = false;
  };
  void run();
  void check_connections();

  int port_;
  std::chrono::seconds deadline_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::string, Connection> connections_;  // by peer
  std::thread thread_;
};

/// "address:port" of a connection's far end, as ConnectionWatch names peers.
std::string peer_name(const std::string& address, int port);

}  // namespace nmt
