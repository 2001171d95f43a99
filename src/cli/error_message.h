// The one line `nmt: error: <message>` main() prints for any exception: LibTorch's backtraces
// and everything after a message's first line are dropped.
#pragma once

#include <exception>
#include <string>

namespace nmt::cli {

/// One line describing `error`, the exception main() caught while running `nmt <command>`.
std::string error_message(const std::exception_ptr& error, const std::string& command);

}  // namespace nmt::cli
