// `nmt train --nproc N`: starts N data-parallel workers on this machine (each `nmt train` with
// the torchrun variables RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR and
// MASTER_PORT set), passes SIGINT and SIGTERM on to them, and stops them all when one dies.
#pragma once

#include <string>
#include <vector>

namespace nmt::cli {

/// The environment variable set in the workers run_workers() starts.
inline constexpr const char* kLaunchedMarker = "NMT_LAUNCHED_WORKER";
/// The exit status of such a worker that stopped because another one did (it prints nothing).
inline constexpr int kLostContactStatus = 3;
/// Set in the workers when `train.workers: auto` chose their number: they watch for a slow
/// worker (TrainControl::straggler_ratio).
inline constexpr const char* kAutomaticWorkersMarker = "NMT_AUTOMATIC_WORKERS";
/// The exit status of every worker when they stopped, with a checkpoint, because one of them
/// kept the others waiting: the run goes on as one process.
inline constexpr int kSlowWorkerStatus = 4;

struct LaunchPlan {
  int nproc = 1;      // workers on this machine
  int nnodes = 1;     // machines
  int node_rank = 0;  // this machine's place: its workers have ranks node_rank * nproc + i
  std::string master_addr = "127.0.0.1";
  int master_port = 0;     // 0: a free port on this machine (one machine only)
  bool automatic = false;  // train.workers: auto chose nproc (kAutomaticWorkersMarker)
};

/// Parses "HOST:PORT" ("[IPv6]:PORT" too); throws Error naming `option` if it is not one, or
/// if HOST cannot be resolved (require_resolvable).
void parse_master(const std::string& text, const std::string& option, LaunchPlan& plan);

/// `host` without the brackets of "[IPv6]". Throws ConfigError naming `what` (the option or
/// variable it came from) when the host name cannot be resolved: the workers would wait out
/// their whole timeout for it.
std::string require_resolvable(const std::string& host, const std::string& what);

/// Most workers --nproc may start per core of this machine: each is a whole process with its
/// own model, and a thousand of them exhaust the memory.
inline constexpr int kMaxWorkersPerCore = 4;

/// Runs the workers (`nmt` with `worker_args`) to the end. Returns 0 when all of them
/// succeeded, kSlowWorkerStatus when all stopped for a slow one (and no stop was asked for),
/// else the status of one that failed and printed its error; throws Error naming
/// the rank when a worker was killed by a signal, or stopped by one (SIGSTOP) for 5 s (the
/// others are killed rather than wait for it), or lost contact with workers elsewhere.
int run_workers(const LaunchPlan& plan, const std::vector<std::string>& worker_args);

}  // namespace nmt::cli
