// The gradients of one optimiser update: the loss of the update's batches, backpropagated.
#pragma once

#include <optional>
#include <vector>

#include "train/progress.h"

namespace nmt {

struct Batch;
class Seq2SeqImpl;

struct UpdateLoss {
  double loss_sum = 0;  // smoothed loss summed over the target tokens
  int64_t tokens = 0;   // real target tokens of all the batches
  std::optional<TrainProgressLine::Policy> policy;  // token-weighted means (hard attention)
};

/// Adds to `model`'s gradients those of the label-smoothed loss (plus a stochastic
/// attention's REINFORCE term) of `batches`, normalised by their target tokens together: k
/// batches give the gradients of one batch holding all their pairs (train.accumulate).
UpdateLoss backward_update(Seq2SeqImpl& model, const std::vector<Batch>& batches,
                           double label_smoothing);

}  // namespace nmt
