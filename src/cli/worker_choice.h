// How many worker processes `nmt train` runs on this machine when the config says
// `train.workers: auto` (or a count) and no --nproc is given (searches: api/search_threads.h).
#pragma once

#include <cstdint>
#include <string>

#include "api/search_threads.h"

namespace nmt::cli {

struct WorkerChoice {
  int workers = 1;
  bool automatic = false;  // train.workers: auto (not a count)
  int threads = 0;         // auto: the threads of each worker (0: as train.threads says)
  std::string reason;      // one line for the log: what was chosen and why
};

/// How many times the fastest automatic worker's computing time the slowest's may take before
/// the run goes on as one process: two workers of one thread trained 1.4x as fast as one
/// process, so a worker slowed beyond that makes them slower than one process.
inline constexpr double kSlowWorkerRatio = 1.4;

/// What the machine offers: its cores, train.threads, and how many cores other processes
/// leave idle (negative: not known). `setting` is train.workers: "auto" or a count.
struct MachineState {
  int cores = 1;
  int64_t threads = 0;     // train.threads; 0: all cores
  double idle_cores = -1;  // measured just before the choice
  bool gpu = false;        // device: cuda
};

/// The rule of `train.workers: auto`, measured on 2 cores (bench/RESULTS.md): the cores it may
/// use are train.threads (all cores when 0) of the cores that other processes leave idle; one
/// core or a GPU gets one process; 2 or 3 cores get 2 workers (two workers of one thread trained
/// 1.4x as fast as one process of two threads); more get one worker per 2 cores, at most 8.
/// Workers wait for each other at every update, so a core that another process keeps busy
/// counts as taken (one busy process took 2 workers to 0.70x of one process).
WorkerChoice choose_train_workers(const std::string& setting, const MachineState& machine);

/// How many of this process's CPUs (usable_cores) sat idle over `seconds` (from their lines of
/// /proc/stat; negative where it cannot be read).
double idle_cores_over(double seconds);

}  // namespace nmt::cli
