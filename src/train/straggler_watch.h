// Watches data-parallel workers for one that keeps the others waiting: workers meet at every
// update, so one slowed by a busy core slows them all (two workers went to 0.70x of one process
// when another process kept a core busy, bench/RESULTS.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nmt {

class StragglerWatch {
 public:
  /// `ratio`: how many times the fastest worker's computing time the slowest's may take over a
  /// window of `window` updates, after `warm_up` updates that are not counted.
  StragglerWatch(int workers, double ratio, int64_t warm_up = 10, int64_t window = 50);

  /// One update's computing seconds of each worker (the same on every rank, so that every rank
  /// decides alike). Returns "" while they keep pace, else what the window showed.
  std::string add(const std::vector<double>& seconds);

 private:
  double ratio_;
  int64_t warm_up_, window_, updates_ = 0;
  std::vector<double> totals_;
};

}  // namespace nmt
