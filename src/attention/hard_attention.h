// Hard attention (Xu et al. 2015, sec. 4.1, "stochastic hard attention"): the context is one
// encoder state. In training, a position s_t is sampled from the soft weights a_t of a global
// scorer (model.attention.score) and c_t = h_{s_t}; no gradient reaches the scorer through
// c_t, so it learns by REINFORCE: with reward r_t = -(loss of target token t), a moving-average
// baseline b and an entropy bonus of weight λ, its loss is Σ_t -(r_t - b) log a_t(s_t) - λ H(a_t)
// (policy_loss()). At inference, c_t is the state at argmax_s a_t(s) (inference: argmax) or the
// soft context Σ_s a_t(s) h_s (inference: expected).
#pragma once

#include <memory>

#include "attention/attention.h"

namespace nmt {

class HardAttention : public Attention {
 public:
  /// `scorer` gives the soft weights (registered as "scorer"); the baseline follows
  /// b <- decay * b + (1 - decay) * (mean reward of a batch), starting at the first batch's.
  HardAttention(std::shared_ptr<Attention> scorer, double baseline_decay, double entropy_weight,
                bool expected_at_inference);

  AttentionMemory prepare(const torch::Tensor& enc_out, const torch::Tensor& mask) override;
  /// weights: one-hot at the sampled (training, with sample_log_prob and sample_entropy) or
  /// argmax position, or the soft weights (inference: expected).
  AttentionResult forward(const AttentionQuery& query, const AttentionMemory& memory) override;
  PolicyLoss policy_loss(const PolicySamples& samples, const torch::Tensor& token_loss,
                         const torch::Tensor& target_mask) override;

 private:
  std::shared_ptr<Attention> scorer_;
  double baseline_decay_, entropy_weight_;
  bool expected_at_inference_;
  torch::Tensor baseline_;  // [] buffer (kept in checkpoints); NaN until the first batch
};

}  // namespace nmt
