// Learning-rate schedules, by train.schedule name (one line each in schedule.cpp's registry):
//   constant      lr at every update;
//   plateau       lr multiplied by plateau_factor after plateau_patience validations without
//                 improvement, down to min_lr;
//   warmup_rsqrt  linear warm-up to lr over warmup_steps, then lr * sqrt(warmup_steps / step):
//                 the inverse-square-root ("Noam") schedule of Vaswani et al. 2017, sec. 5.3,
//                 with its peak given as lr.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace nmt {

struct TrainConfig;

class LrSchedule {
 public:
  virtual ~LrSchedule() = default;
  /// The learning rate for update number `step` (1-based).
  virtual double lr(int64_t step) const = 0;
  /// Reports a validation result; `improved` says whether it beat the best so far.
  virtual void on_validation(bool /*improved*/) {}

  /// The mutable state, as text, for checkpoints ("" for none).
  virtual std::string state() const { return ""; }
  /// Restores state(); throws Error for text it did not write.
  virtual void load_state(const std::string& /*state*/) {}
};

/// The schedule `config.schedule` names; throws ConfigKeyError listing the names if unknown.
std::unique_ptr<LrSchedule> make_schedule(const TrainConfig& config);

/// The registered names, in registration order.
std::vector<std::string> schedule_names();

}  // namespace nmt
