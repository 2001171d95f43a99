#include "common/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace nmt {

void init_logging(bool verbose) {
  static auto logger = [] {
    auto l = spdlog::stderr_color_mt("nmt");
    l->set_pattern("%Y-%m-%d %H:%M:%S %^%l%$ %v");
    return l;
  }();
  spdlog::set_default_logger(logger);
  spdlog::set_level(verbose ? spdlog::level::debug : spdlog::level::info);
}

}  // namespace nmt
