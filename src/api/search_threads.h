// How many searches run at once and on how many CPU threads each: what `nmt translate`,
// `nmt serve` and the library (include/nmt/nmt.h) choose by cores. Setting threads is
// process-wide, so only the entry points (cli/ and the library's nmt::api::Model) call these.
#pragma once

#include <string>

namespace nmt {

class Translator;

/// The most workers chosen automatically, for training as for searching.
inline constexpr int kMaxAutomaticWorkers = 8;

/// This process's CPUs (its affinity mask).
int usable_cores();

/// Searches at once by default: one per usable core (`threads` of them when set), at most 8.
/// Two searches of one thread decoded 1.7x (greedy) and 1.3x (beam 5) as fast as one of two
/// threads on 2 cores (bench/RESULTS.md).
int automatic_search_workers(int cores, int threads);

/// Sets LibTorch's threads and, when the BLAS is OpenBLAS, its own pool (which LibTorch leaves
/// alone): data-parallel workers sharing a machine would otherwise each run a GEMM on every core.
void set_cpu_threads(int threads);

/// Shares `threads` (0: the CPUs this process may use) out among `workers` that run at once in
/// this machine (data-parallel processes, or searching threads): each gets threads / workers, at
/// least 1, through set_cpu_threads. With 0 threads and one worker, LibTorch's default stays.
void share_cpu_threads(int threads, int workers);

struct SearchThreads {
  int workers = 1;       // searches at once
  std::string reason;    // one line for the log: how they were chosen, or why fewer ("" if asked
                         // for and granted)
  bool reduced = false;  // fewer than a number asked for
};

/// The searches `translator` can run at once of `requested` (0: by cores,
/// automatic_search_workers); then gives each its share of `threads` (share_cpu_threads).
SearchThreads share_search_threads(const Translator& translator, int threads, int requested);

}  // namespace nmt
