#include "cli/worker_environment.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "cli/launcher.h"
#include "common/errors.h"

namespace nmt::cli {
namespace {

// An integer environment variable of the torchrun convention, or `fallback` if unset.
int env_int(const char* name, int fallback, int min) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') {
    if (fallback >= min) return fallback;
    throw ConfigError(std::string(name) + " is not set (a worker needs WORLD_SIZE, RANK, " +
                      "MASTER_ADDR and MASTER_PORT)");
  }
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < min || value > 1 << 20) {
    throw ConfigError(std::string(name) + "='" + text +
                      "': expected an integer >= " + std::to_string(min));
  }
  return static_cast<int>(value);
}

// The address of this machine that the kernel would send from to reach `host` ("127.0.0.1"
// for a loopback master), or "" if that cannot be told: where the other workers reach this
// one. (The host name's address, Gloo's default, is often 127.0.1.1 on Debian.)
std::string local_address_towards(const std::string& host) {
  addrinfo hints = {};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), "9", &hints, &found) != 0 || found == nullptr) return "";
  std::string address;
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in local = {};
  socklen_t length = sizeof local;
  char text[INET_ADDRSTRLEN] = {};
  if (fd >= 0 && ::connect(fd, found->ai_addr, found->ai_addrlen) == 0 &&  // sends nothing
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) == 0 &&
      ::inet_ntop(AF_INET, &local.sin_addr, text, sizeof text) != nullptr) {
    address = text;
  }
  if (fd >= 0) ::close(fd);
  ::freeaddrinfo(found);
  return address;
}

}  // namespace

WorkerAddress worker_address_from_environment() {
  WorkerAddress a;
  a.world_size = env_int("WORLD_SIZE", 1, 1);
  a.rank = env_int("RANK", -1, 0);
  if (a.rank >= a.world_size) {
    throw ConfigError("RANK=" + std::to_string(a.rank) + " is not below WORLD_SIZE=" +
                      std::to_string(a.world_size) + " (ranks count from 0)");
  }
  const char* addr = std::getenv("MASTER_ADDR");
  if (addr == nullptr || *addr == '\0') {
    throw ConfigError("MASTER_ADDR is not set (the address of the machine of rank 0)");
  }
  a.master_addr = require_resolvable(addr, "MASTER_ADDR");
  a.master_port = env_int("MASTER_PORT", -1, 1);
  if (a.master_port > 65535) throw ConfigError("MASTER_PORT: expected a port below 65536");
  // SLURM says the machine-local ones itself (srun sets them for each task).
  a.local_rank = env_int("LOCAL_RANK", env_int("SLURM_LOCALID", a.rank, 0), 0);
  a.local_world_size = env_int("LOCAL_WORLD_SIZE", env_int("SLURM_NTASKS_PER_NODE", 1, 1), 1);
  if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME")) a.gloo_interface = interface;
  a.gloo_address = local_address_towards(a.master_addr);
  const char* agent_store = std::getenv("TORCHELASTIC_USE_AGENT_STORE");
  a.agent_store = agent_store != nullptr && std::string(agent_store) == "True";
  return a;
}

void refuse_half_set_worker_variables() {
  for (const char* name : {"RANK", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_PORT"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') {
      throw ConfigError(std::string(name) + "=" + value +
                        " is set but WORLD_SIZE is not: set both to train as one of several "
                        "workers, or neither to train alone");
    }
  }
}

}  // namespace nmt::cli
