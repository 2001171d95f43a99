#include "cli/finite_in.h"

#include <cmath>
#include <sstream>

namespace nmt::cli {

CLI::Validator finite_in(double min, double max) {
  std::ostringstream text;
  text << "[" << min << ", " << max << "]";
  const std::string range = text.str();
  return CLI::Validator(
      [min, max, range](std::string& input) {
        double value = 0;
        const bool ok = CLI::detail::lexical_cast(input, value) && std::isfinite(value) &&
                        value >= min && value <= max;
        return ok ? std::string() : "Value " + input + " is not a number in " + range;
      },
      "FLOAT in " + range);
}

}  // namespace nmt::cli
