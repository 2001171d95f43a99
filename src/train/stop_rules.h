// When a training run stops: a stop request (a signal), the config's limits (updates, epochs
// aside, minutes), the caller's budget, or patience. Each worker reports its flags; summed over
// the workers, they give every worker the same decision.
#pragma once

#include <string>
#include <vector>

#include "model/checkpoint.h"
#include "train/trainer.h"

namespace nmt {

struct TrainConfig;

enum StopFlag { kStopRequested, kMaxMinutes, kTimeBudget, kStopFlags };

/// This worker's flags: its stop request and, on rank 0 (whose clock decides), whether
/// train.max_minutes (over `elapsed_seconds`) or the budget's training time is up.
std::vector<double> stop_flags(const TrainConfig& train, const TrainControl& control,
                               const TrainingProgress& progress, bool rank0,
                               double elapsed_seconds);

/// Why training stops after the update `progress` records, given stop_flags() summed over the
/// workers; "" to go on.
std::string stop_reason(const TrainConfig& train, const TrainControl& control,
                        const TrainingProgress& progress, const std::vector<double>& flags);

}  // namespace nmt
