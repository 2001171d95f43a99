// A CLI11 validator for real-valued options.
#pragma once

#include <CLI/CLI.hpp>

namespace nmt::cli {

/// Accepts a finite number in [min, max]. (CLI::Range lets nan through: every comparison with
/// nan is false.)
CLI::Validator finite_in(double min, double max);

}  // namespace nmt::cli
