#include "train/schedule.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/config.h"
#include "common/errors.h"

namespace nmt {

LrSchedule::LrSchedule(const TrainConfig& config)
    : kind_(config.schedule),
      base_lr_(config.lr),
      factor_(config.plateau_factor),
      min_lr_(config.min_lr),
      patience_(config.plateau_patience),
      warmup_(config.warmup_steps),
      plateau_lr_(config.lr) {}

double LrSchedule::lr(int64_t step) const {
  if (kind_ == "plateau") return plateau_lr_;
  if (kind_ == "warmup_rsqrt") {
    const double s = static_cast<double>(std::max<int64_t>(step, 1));
    return base_lr_ * std::min(s / warmup_, std::sqrt(warmup_ / s));
  }
  return base_lr_;
}

void LrSchedule::on_validation(bool improved) {
  if (kind_ != "plateau") return;
  bad_validations_ = improved ? 0 : bad_validations_ + 1;
  if (bad_validations_ >= patience_) {  // as train.patience: after `patience` bad ones
    plateau_lr_ = std::max(min_lr_, plateau_lr_ * factor_);
    bad_validations_ = 0;
  }
}

std::string LrSchedule::state() const {
  std::ostringstream out;
  out.precision(17);
  out << plateau_lr_ << " " << bad_validations_;
  return out.str();
}

void LrSchedule::load_state(const std::string& state) {
  std::istringstream in(state);
  if (!(in >> plateau_lr_ >> bad_validations_)) throw Error("bad learning-rate schedule state");
}

}  // namespace nmt
