// Logging set-up. Library .cpp files log through spdlog directly with a `[subsystem]`
// prefix; this header keeps spdlog out of every other header.
#pragma once

namespace nmt {

/// Sends log lines to standard error with a timestamp. Safe to call more than once.
void init_logging(bool verbose = false);

}  // namespace nmt
