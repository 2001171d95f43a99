#include "train/stop_rules.h"

#include "common/config.h"

namespace nmt {

std::vector<double> stop_flags(const TrainConfig& train, const TrainControl& control,
                               const TrainingProgress& progress, bool rank0,
                               double elapsed_seconds) {
  std::vector<double> flags(kStopFlags, 0.0);
  if (control.stop_request && control.stop_request->load() != 0) flags[kStopRequested] = 1;
  if (rank0) {
    if (train.max_minutes > 0 && elapsed_seconds >= 60 * train.max_minutes) flags[kMaxMinutes] = 1;
    const double budget = control.budget.training_seconds;
    if (budget > 0 && progress.training_seconds >= budget) flags[kTimeBudget] = 1;
  }
  return flags;
}

std::string stop_reason(const TrainConfig& train, const TrainControl& control,
                        const TrainingProgress& progress, const std::vector<double>& flags) {
  if (flags[kStopRequested] != 0) {
    const int signal = control.stop_request ? control.stop_request->load() : 0;
    return signal != 0 ? "signal " + std::to_string(signal) : "another worker was asked to stop";
  }
  if (train.max_steps > 0 && progress.step >= train.max_steps) return "max_steps reached";
  if (flags[kMaxMinutes] != 0) return "max_minutes reached";
  if (flags[kTimeBudget] != 0) return "training time budget reached";
  const auto& budget = control.budget;
  if (budget.updates > 0 && progress.step >= budget.updates) return "update budget reached";
  if (budget.target_tokens > 0 && progress.trained_tokens >= budget.target_tokens) {
    return "token budget reached";
  }
  if (train.patience > 0 && progress.bad_validations >= train.patience) {
    return "no improvement in " + std::to_string(train.patience) + " validations";
  }
  return "";
}

}  // namespace nmt
