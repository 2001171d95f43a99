// SIGINT and SIGTERM ask a training run to checkpoint and stop; a second one kills as usual.
#pragma once

#include <atomic>

namespace nmt::cli {

class StopSignals {
 public:
  StopSignals();   // installs the handlers
  ~StopSignals();  // restores the previous ones
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  /// The number of the first signal received, 0 while none was.
  const std::atomic<int>& received() const;
};

}  // namespace nmt::cli
