#include "train/schedule.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>

#include "common/config.h"
#include "common/errors.h"
#include "common/registry.h"

namespace nmt {
namespace {

class ConstantSchedule : public LrSchedule {
 public:
  explicit ConstantSchedule(const TrainConfig& config) : lr_(config.lr) {}
  double lr(int64_t /*step*/) const override { return lr_; }

 private:
  double lr_;
};

class WarmupRsqrtSchedule : public LrSchedule {
 public:
  explicit WarmupRsqrtSchedule(const TrainConfig& config)
      : peak_(config.lr), warmup_(static_cast<double>(config.warmup_steps)) {}
  double lr(int64_t step) const override {
    const double s = static_cast<double>(std::max<int64_t>(step, 1));
    return peak_ * std::min(s / warmup_, std::sqrt(warmup_ / s));
  }

 private:
  double peak_, warmup_;
};

class PlateauSchedule : public LrSchedule {
 public:
  explicit PlateauSchedule(const TrainConfig& config)
      : lr_(config.lr),
        factor_(config.plateau_factor),
        min_lr_(config.min_lr),
        patience_(config.plateau_patience) {}

  double lr(int64_t /*step*/) const override { return lr_; }

  void on_validation(bool improved) override {
    bad_validations_ = improved ? 0 : bad_validations_ + 1;
    if (bad_validations_ >= patience_) {  // as train.patience: after `patience` bad ones
      lr_ = std::max(min_lr_, lr_ * factor_);
      bad_validations_ = 0;
    }
  }

  std::string state() const override {
    std::ostringstream out;
    out.precision(17);
    out << lr_ << " " << bad_validations_;
    return out.str();
  }

  // "" (a checkpoint of another schedule): the rate starts from train.lr.
  void load_state(const std::string& state) override {
    if (state.empty()) return;
    std::istringstream in(state);
    if (!(in >> lr_ >> bad_validations_)) {
      throw Error("bad plateau learning-rate schedule state '" + state + "'");
    }
  }

 private:
  double lr_, factor_, min_lr_;
  int64_t patience_;
  int64_t bad_validations_ = 0;
};

using MakeSchedule = std::function<std::unique_ptr<LrSchedule>(const TrainConfig&)>;

const Registry<MakeSchedule>& schedule_registry() {
  static const Registry<MakeSchedule> entries = [] {
    Registry<MakeSchedule> r("train.schedule");
    using C = const TrainConfig&;
    r.add("constant", [](C c) { return std::make_unique<ConstantSchedule>(c); });
    r.add("plateau", [](C c) { return std::make_unique<PlateauSchedule>(c); });
    r.add("warmup_rsqrt", [](C c) { return std::make_unique<WarmupRsqrtSchedule>(c); });
    return r;
  }();
  return entries;
}

}  // namespace

std::unique_ptr<LrSchedule> make_schedule(const TrainConfig& config) {
  return schedule_registry().at(config.schedule)(config);
}

std::vector<std::string> schedule_names() { return schedule_registry().names(); }

}  // namespace nmt
