#include "train/straggler_watch.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>

namespace nmt {

StragglerWatch::StragglerWatch(int workers, double ratio, int64_t warm_up, int64_t window)
    : ratio_(ratio),
      warm_up_(warm_up),
      window_(window),
      totals_(static_cast<size_t>(workers), 0.0) {}

std::string StragglerWatch::add(const std::vector<double>& seconds) {
  if (++updates_ <= warm_up_) return "";
  for (size_t r = 0; r < totals_.size() && r < seconds.size(); ++r) totals_[r] += seconds[r];
  if ((updates_ - warm_up_) % window_ != 0) return "";
  const auto [fastest, slowest] = std::minmax_element(totals_.begin(), totals_.end());
  std::string verdict;
  if (*fastest > 0 && *slowest > ratio_ * *fastest) {
    verdict = fmt::format(
        "worker rank {} took {:.1f}x as long as rank {} for its share of the last {} updates "
        "(a core busy with another process?)",
        slowest - totals_.begin(), *slowest / *fastest, fastest - totals_.begin(), window_);
  }
  std::fill(totals_.begin(), totals_.end(), 0.0);
  return verdict;
}

}  // namespace nmt
