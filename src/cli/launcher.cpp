#include "cli/launcher.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>

#include "common/errors.h"

namespace nmt::cli {
namespace {

std::atomic<int> signals_received{0};
extern "C" void on_launcher_signal(int) { ++signals_received; }

// A port that was free a moment ago on the loopback interface: the kernel picks it.
int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw Error(std::string("cannot open a socket: ") + std::strerror(errno));
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  if (!ok) throw Error(std::string("cannot find a free port: ") + std::strerror(errno));
  return ntohs(address.sin_port);
}

struct Worker {
  int rank = 0;
  pid_t pid = -1;
  bool running = false;
  int stop_signal = 0;  // SIGSTOP and the like, until SIGCONT
  std::chrono::steady_clock::time_point stopped_since;
};

[[noreturn]] void exec_worker(const LaunchPlan& plan, int local_rank,
                              const std::vector<std::string>& args, pid_t launcher) {
  // Die with the launcher, and leave the terminal's SIGINT to it (it passes it on once).
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != launcher) ::_exit(1);
  ::setpgid(0, 0);
  const int world = plan.nnodes * plan.nproc;
  ::setenv(kLaunchedMarker, "1", 1);
  if (plan.automatic) {
    ::setenv(kAutomaticWorkersMarker, "1", 1);
  } else {
    ::unsetenv(kAutomaticWorkersMarker);
  }
  ::setenv("WORLD_SIZE", std::to_string(world).c_str(), 1);
  ::setenv("RANK", std::to_string(plan.node_rank * plan.nproc + local_rank).c_str(), 1);
  ::setenv("LOCAL_RANK", std::to_string(local_rank).c_str(), 1);
  ::setenv("LOCAL_WORLD_SIZE", std::to_string(plan.nproc).c_str(), 1);
  ::setenv("MASTER_ADDR", plan.master_addr.c_str(), 1);
  ::setenv("MASTER_PORT", std::to_string(plan.master_port).c_str(), 1);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv("/proc/self/exe", argv.data());
  ::_exit(127);
}

void signal_all(std::vector<Worker>& workers, int signal) {
  for (const auto& w : workers) {
    if (w.running) ::kill(w.pid, signal);
  }
}

}  // namespace

std::string require_resolvable(const std::string& host, const std::string& what) {
  const bool bracketed = host.size() > 2 && host.front() == '[' && host.back() == ']';
  const std::string name = bracketed ? host.substr(1, host.size() - 2) : host;
  addrinfo hints = {};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int error = ::getaddrinfo(name.c_str(), nullptr, &hints, &found);
  if (found != nullptr) ::freeaddrinfo(found);
  if (error != 0) {
    throw ConfigError(what + " '" + host + "': cannot resolve the host (" + gai_strerror(error) +
                      ")");
  }
  return name;
}

void parse_master(const std::string& text, const std::string& option, LaunchPlan& plan) {
  const auto colon = text.rfind(':');
  int port = -1;
  if (colon != std::string::npos && colon > 0 && colon + 1 < text.size()) {
    try {
      size_t used = 0;
      port = std::stoi(text.substr(colon + 1), &used);
      if (used != text.size() - colon - 1) port = -1;
    } catch (const std::exception&) {
      port = -1;
    }
  }
  if (port < 1 || port > 65535) {
    throw ConfigError(option + " '" + text + "': expected HOST:PORT, e.g. 10.0.0.1:29500");
  }
  plan.master_addr = require_resolvable(text.substr(0, colon), option);
  plan.master_port = port;
}

int run_workers(const LaunchPlan& plan_in, const std::vector<std::string>& worker_args) {
  LaunchPlan plan = plan_in;
  if (plan.master_port == 0) plan.master_port = free_loopback_port();
  signals_received = 0;
  struct sigaction action = {}, old_int = {}, old_term = {};
  action.sa_handler = on_launcher_signal;
  sigaction(SIGINT, &action, &old_int);
  sigaction(SIGTERM, &action, &old_term);
  const auto restore_signals = [&] {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
  };

  const pid_t launcher = ::getpid();
  std::vector<Worker> workers(static_cast<size_t>(plan.nproc));
  for (int i = 0; i < plan.nproc; ++i) {
    auto& w = workers[static_cast<size_t>(i)];
    w.rank = plan.node_rank * plan.nproc + i;
    w.pid = ::fork();
    if (w.pid == 0) exec_worker(plan, i, worker_args, launcher);
    if (w.pid < 0) {
      const std::string why = std::strerror(errno);
      signal_all(workers, SIGKILL);
      for (const auto& started : workers) {
        if (started.running) ::waitpid(started.pid, nullptr, 0);
      }
      restore_signals();
      throw Error("cannot start worker rank " + std::to_string(w.rank) + ": " + why);
    }
    w.running = true;
  }

  // After a failure the others get a moment to notice it and exit (rank 0 may be writing a
  // checkpoint, a worker may be printing its error); then they are killed.
  constexpr auto kGrace = std::chrono::seconds(5);
  auto kill_at = std::chrono::steady_clock::time_point::max();
  bool killed_after_failure = false;
  int passed_on = 0;        // signals passed on to the workers
  std::string death;        // the first worker that died of a signal we did not send
  std::string interrupted;  // a worker that a signal to us ended before it could checkpoint
  int error_status = 0, lost_contact_rank = -1;
  size_t slow_worker_exits = 0;
  size_t running = workers.size();
  while (running > 0) {
    // The first SIGINT/SIGTERM asks the workers to checkpoint and stop; another kills them.
    const int received = signals_received.load();
    if (received > passed_on) {
      signal_all(workers, passed_on == 0 ? SIGTERM : SIGKILL);
      passed_on = received;
    }
    if (std::chrono::steady_clock::now() >= kill_at && !killed_after_failure) {
      killed_after_failure = true;
      signal_all(workers, SIGKILL);
    }
    // A worker stopped for longer than the grace would keep the others waiting until
    // train.distributed_timeout, and they would report the wait, not its cause.
    for (const auto& w : workers) {
      if (!w.running || w.stop_signal == 0 || killed_after_failure ||
          std::chrono::steady_clock::now() - w.stopped_since < kGrace) {
        continue;
      }
      if (death.empty() && error_status == 0) {
        death = "worker rank " + std::to_string(w.rank) + " (pid " + std::to_string(w.pid) +
                ") was stopped by signal " + std::to_string(w.stop_signal) + " (" +
                strsignal(w.stop_signal) + ") for " + std::to_string(kGrace.count()) +
                " s; the other workers were stopped, and `nmt train ... --resume` continues "
                "from the newest checkpoint";
      }
      killed_after_failure = true;
      signal_all(workers, SIGKILL);
    }
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG | WUNTRACED | WCONTINUED);
    if (pid <= 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    for (auto& w : workers) {
      if (w.pid != pid || !w.running) continue;
      if (WIFSTOPPED(status) || WIFCONTINUED(status)) {
        w.stop_signal = WIFSTOPPED(status) ? WSTOPSIG(status) : 0;
        w.stopped_since = std::chrono::steady_clock::now();
        break;
      }
      w.running = false;
      --running;
      if (WIFEXITED(status) && WEXITSTATUS(status) == 0) break;
      // All stop together for a slow worker; rank 0 may still be writing the checkpoint.
      if (WIFEXITED(status) && WEXITSTATUS(status) == kSlowWorkerStatus) {
        ++slow_worker_exits;
        break;
      }
      kill_at = std::min(kill_at, std::chrono::steady_clock::now() + kGrace);
      const std::string who =
          "worker rank " + std::to_string(w.rank) + " (pid " + std::to_string(pid) + ")";
      if (WIFSIGNALED(status) && killed_after_failure) {
        continue;  // the failure that made us kill it is reported
      } else if (WIFSIGNALED(status) && passed_on > 0) {
        if (interrupted.empty()) {
          interrupted = who + " was ended by signal " + std::to_string(WTERMSIG(status)) +
                        " after the stop request, before it could save a checkpoint; "
                        "`nmt train ... --resume` continues from the newest one";
        }
      } else if (WIFSIGNALED(status) && death.empty() && error_status == 0) {
        const int signal = WTERMSIG(status);
        death = who + " was killed by signal " + std::to_string(signal) + " (" + strsignal(signal) +
                "); the other workers were stopped, and `nmt train ... "
                "--resume` continues from the newest checkpoint";
      } else if (WIFEXITED(status) && WEXITSTATUS(status) == kLostContactStatus) {
        if (lost_contact_rank < 0) lost_contact_rank = w.rank;
      } else if (WIFEXITED(status) && error_status == 0 && death.empty()) {
        error_status = WEXITSTATUS(status);  // the worker printed its error
      }
    }
  }
  restore_signals();
  if (!death.empty()) throw Error(death);
  if (error_status != 0) return error_status;
  if (!interrupted.empty()) throw Error(interrupted);
  if (lost_contact_rank >= 0) {
    throw Error("worker rank " + std::to_string(lost_contact_rank) +
                " lost contact with the other workers: one of them stopped (on another machine, "
                "see its output) or did not answer within train.distributed_timeout");
  }
  // Not when a stop was asked for meanwhile: the run stops, as asked.
  if (slow_worker_exits == workers.size() && passed_on == 0) return kSlowWorkerStatus;
  return 0;
}

}  // namespace nmt::cli
