// What training minimises, for one batch and for one update: the label-smoothed loss plus a
// stochastic attention's REINFORCE term. The trainer and the tests call the same functions.
#pragma once

#include <torch/types.h>

#include <optional>
#include <vector>

#include "attention/attention.h"
#include "train/loss.h"
#include "train/progress.h"

namespace nmt {

struct Batch;
class Seq2SeqImpl;

struct Objective {
  torch::Tensor value;  // [] smoothed loss + REINFORCE term, summed over real target tokens
  TokenLoss loss;       // the label-smoothed loss alone
  PolicyLoss policy;    // the REINFORCE term (undefined loss for deterministic attention)
};

/// The training objective of `batch` (the model in train mode): a sum over target tokens, to
/// be divided by the number of target tokens the update normalises by.
Objective training_objective(Seq2SeqImpl& model, const Batch& batch, double label_smoothing);

struct UpdateLoss {
  double loss_sum = 0;  // smoothed loss summed over the target tokens of `batches`
  int64_t tokens = 0;   // real target tokens of `batches`
  std::optional<TrainProgressLine::Policy> policy;  // sums weighted by target tokens (hard)
};

/// Adds to `model`'s gradients those of training_objective() over `batches`, divided by
/// `normaliser` target tokens: the tokens of the whole update, which may span batches
/// (train.accumulate) and processes (data-parallel workers each hold a share). Summed over the
/// shares, the gradients are those of one batch holding all the update's pairs.
UpdateLoss backward_update(Seq2SeqImpl& model, const std::vector<Batch>& batches,
                           double label_smoothing, int64_t normaliser);

}  // namespace nmt
