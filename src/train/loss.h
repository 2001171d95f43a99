// Label-smoothed cross-entropy (Szegedy et al. 2016) over target tokens, padding ignored.
// With smoothing e the target distribution is (1 - e) on the reference token plus e/K on
// each of the K = V - 2 tokens that can be targets (all but <pad> and <s>), so per token:
// loss = (1 - e) * nll + e * mean_v(-log p_v) over those K tokens.
#pragma once

#include <torch/types.h>

namespace nmt {

struct TokenLoss {
  torch::Tensor loss;       // scalar: smoothed loss summed over real tokens (what is optimised)
  torch::Tensor nll;        // scalar: plain negative log-likelihood summed over real tokens
  int64_t tokens = 0;       // real (non-padding) target tokens
  torch::Tensor token_nll;  // shaped like targets: each token's nll, 0 on padding
};

/// logits [..., V], targets [...] int64 (kPadId positions are ignored).
TokenLoss label_smoothed_loss(const torch::Tensor& logits, const torch::Tensor& targets,
                              double smoothing);

/// The coverage loss of See et al. 2017 (eq. 12), summed over real target tokens: for attention
/// weights [B, T, S] and the target mask [B, T] (true = real token),
/// sum_{b, t real} sum_s min(a_{b,t,s}, c_{b,t,s}) with coverage c_t = sum_{t' < t} a_{t'}.
/// It is 0 while no position is attended twice, and grows with repeated attention. Hard
/// attention's training weights are one-hot samples: no gradient reaches them through it.
torch::Tensor coverage_loss(const torch::Tensor& weights, const torch::Tensor& target_mask);

}  // namespace nmt
