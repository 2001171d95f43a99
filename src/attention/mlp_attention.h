// Additive (MLP) attention: score(z, h) = vᵀ tanh(W₁z + W₂h) (Bahdanau et al. 2015,
// appendix A.1.2, e_ij = v_aᵀ tanh(W_a s_{i-1} + U_a h_j)).
#pragma once

#include "attention/attention.h"
#include "common/linear.h"

namespace nmt {

class MlpAttention : public Attention {
 public:
  /// W₁ "query_proj" (Dq -> Dq), W₂ "key_proj" (Dv -> Dq), v "v" (Dq -> 1), all without bias:
  /// the hidden size of the scorer is Dq.
  explicit MlpAttention(const AttentionShape& shape);

  /// keys = W₂h [B, S, Dq], computed once per batch; values = h [B, S, Dv].
  AttentionMemory prepare(const torch::Tensor& enc_out, const torch::Tensor& mask) override;
  AttentionResult forward(const AttentionQuery& query, const AttentionMemory& memory) override;

 private:
  Linear query_proj_{nullptr}, key_proj_{nullptr}, v_{nullptr};
};

}  // namespace nmt
