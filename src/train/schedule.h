// Learning-rate schedules (train.schedule): constant; plateau (multiply by a factor after
// `patience` validations without improvement, down to min_lr); warmup_rsqrt (linear
// warm-up to lr over `warmup` steps, then lr * sqrt(warmup / step), as in Vaswani et al.).
#pragma once

#include <cstdint>
#include <string>

namespace nmt {

struct TrainConfig;

class LrSchedule {
 public:
  explicit LrSchedule(const TrainConfig& config);

  /// The learning rate for update number `step` (1-based).
  double lr(int64_t step) const;
  /// Reports a validation result; `improved` says whether it beat the best so far.
  void on_validation(bool improved);

  /// The mutable state, as text, for checkpoints.
  std::string state() const;
  void load_state(const std::string& state);

 private:
  std::string kind_;
  double base_lr_, factor_, min_lr_;
  int64_t patience_, warmup_;
  double plateau_lr_;  // plateau: the current rate
  int64_t bad_validations_ = 0;
};

}  // namespace nmt
