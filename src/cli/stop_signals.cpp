#include "cli/stop_signals.h"

#include <csignal>

namespace nmt::cli {
namespace {

std::atomic<int> stop_signal{0};
extern "C" void on_stop_signal(int signal) { stop_signal = signal; }

struct sigaction old_int = {}, old_term = {};

}  // namespace

StopSignals::StopSignals(bool once) {
  stop_signal = 0;
  struct sigaction action = {};
  action.sa_handler = on_stop_signal;
  action.sa_flags = once ? SA_RESETHAND : 0;
  sigaction(SIGINT, &action, &old_int);
  sigaction(SIGTERM, &action, &old_term);
}

StopSignals::~StopSignals() {
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
}

const std::atomic<int>& StopSignals::received() const { return stop_signal; }

}  // namespace nmt::cli
