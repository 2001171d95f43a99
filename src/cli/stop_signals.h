// SIGINT and SIGTERM ask a training run to checkpoint and stop; a second one kills as usual,
// except in a worker of `nmt train --nproc`, where the launcher kills on the second one.
#pragma once

#include <atomic>

namespace nmt::cli {

class StopSignals {
 public:
  /// Installs the handlers; with `once`, a second signal gets the previous handling back.
  explicit StopSignals(bool once = true);
  ~StopSignals();  // restores the previous handlers
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  /// The number of the first signal received, 0 while none was.
  const std::atomic<int>& received() const;
};

}  // namespace nmt::cli
