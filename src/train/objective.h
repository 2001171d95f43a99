// What training minimises, for one batch and for one update: the label-smoothed loss, plus a
// stochastic attention's REINFORCE term, plus the weighted coverage loss if asked for. The trainer
// and the tests call the same functions.
#pragma once

#include <torch/types.h>

#include <functional>
#include <optional>
#include <vector>

#include "attention/attention.h"
#include "common/precision.h"
#include "train/loss.h"
#include "train/progress.h"

namespace nmt {

struct Batch;
class Seq2SeqImpl;

/// The settings of the objective (from train.label_smoothing and train.coverage_loss).
struct ObjectiveWeights {
  double label_smoothing = 0;
  double coverage = 0;  // weight of the coverage loss (train/loss.h); 0: not computed
};

struct Objective {
  torch::Tensor value;     // [] the sum of the terms below, summed over real target tokens
  TokenLoss loss;          // the label-smoothed loss alone
  PolicyLoss policy;       // the REINFORCE term (undefined loss for deterministic attention)
  torch::Tensor coverage;  // [] the coverage loss before weighting; undefined if its weight is 0
};

/// The training objective of `batch` (the model in train mode): a sum over target tokens, to
/// be divided by the number of target tokens the update normalises by. It is the definition;
/// backward_update() computes the same in pieces.
Objective training_objective(Seq2SeqImpl& model, const Batch& batch, const ObjectiveWeights& terms);

/// Rows of logits that exist at once when the output layer runs in shards. The full logits of
/// a 3,000-token batch over 8,000 target pieces, and their gradient, are 2 x 96 MB, the largest
/// tensors of training; a shard of 512 rows is 16 MB and still a large matmul.
constexpr int64_t kLossShardTokens = 512;

/// The label-smoothed loss of `outputs` [B, T, H] (Seq2SeqImpl::forward_outputs) against
/// `targets` [B, T], as label_smoothed_loss() of the model's logits would give it, but with
/// the output layer and the loss run over the real (non-padding) target tokens only, at most
/// `shard_tokens` of them at a time. `each_shard`, if given, receives each shard's loss while
/// its logits exist (training calls backward() there). The returned loss and nll carry no graph.
TokenLoss sharded_loss(Seq2SeqImpl& model, const torch::Tensor& outputs,
                       const torch::Tensor& targets, double smoothing, int64_t shard_tokens,
                       const std::function<void(const TokenLoss&)>& each_shard = {},
                       Precision precision = Precision::fp32);

struct UpdateLoss {
  double loss_sum = 0;                 // smoothed loss summed over the target tokens of `batches`
  std::optional<double> coverage_sum;  // the coverage loss summed likewise, if it is trained
  int64_t tokens = 0;                  // real target tokens of `batches`
  std::optional<TrainProgressLine::Policy> policy;  // sums weighted by target tokens (hard)
};

/// Adds to `model`'s gradients those of training_objective() over `batches`, divided by
/// `normaliser` target tokens: the tokens of the whole update, which may span batches
/// (train.accumulate) and processes (data-parallel workers each hold a share). Summed over the
/// shares, the gradients are those of one batch holding all the update's pairs. With bf16 the
/// forward pass runs under LibTorch's CPU autocast (matmuls in bf16, the parameters and their
/// gradients stay fp32) and the loss is computed in fp32. The output layer and the loss run in
/// shards of `shard_tokens` target tokens (sharded_loss), each with its own backward pass.
UpdateLoss backward_update(Seq2SeqImpl& model, const std::vector<Batch>& batches,
                           const ObjectiveWeights& terms, int64_t normaliser,
                           Precision precision = Precision::fp32,
                           int64_t shard_tokens = kLossShardTokens);

}  // namespace nmt
