// Coverage attention (Tu et al. 2016, "Modeling Coverage for Neural Machine Translation", the
// linguistic coverage without fertility; See et al. 2017, eq. 11): additive attention whose
// score also sees how much attention each source position has received so far,
//   score(z, h_s, c_s) = vᵀ tanh(W₁z + W₂h_s + w_c c_s),   c_s = sum_{t' < t} a_{t', s}.
// The coverage c is the state the type carries from step to step (zeros at the first step).
// The coverage loss that usually comes with it is train.coverage_loss (train/loss.h); it works
// with any type but hard.
#pragma once

#include "attention/attention.h"
#include "common/linear.h"

namespace nmt {

class CoverageAttention : public Attention {
 public:
  /// W₁ "query_proj" (Dq -> Dq), W₂ "key_proj" (Dv -> Dq), w_c "coverage_proj" (1 -> Dq),
  /// v "v" (Dq -> 1), all without bias.
  explicit CoverageAttention(const AttentionShape& shape);

  /// keys = W₂h [B, S, Dq]; values = h [B, S, Dv].
  AttentionMemory prepare(const torch::Tensor& enc_out, const torch::Tensor& mask) override;
  /// Reads the coverage [B, S] from query.carried and returns it plus this step's weights.
  AttentionResult forward(const AttentionQuery& query, const AttentionMemory& memory) override;

 private:
  Linear query_proj_{nullptr}, key_proj_{nullptr}, coverage_proj_{nullptr}, v_{nullptr};
};

}  // namespace nmt
