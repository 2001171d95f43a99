// Dot-product attention: score(z, h) = zᵀh (Luong et al. 2015, eq. 8 "dot"), or scaled by
// 1/√d as in Vaswani et al. 2017, eq. 1 ("scaled_dot").
#pragma once

#include "attention/attention.h"
#include "common/linear.h"

namespace nmt {

class DotAttention : public Attention {
 public:
  /// When Dq != Dv the keys are projected to Dq by a learned Linear (no bias), "key_proj".
  DotAttention(const AttentionShape& shape, bool scaled);

  /// keys = h or key_proj(h) [B, S, Dq]; values = h [B, S, Dv].
  AttentionMemory prepare(const torch::Tensor& enc_out, const torch::Tensor& mask) override;
  AttentionResult forward(const AttentionQuery& query, const AttentionMemory& memory) override;

 private:
  Linear key_proj_{nullptr};  // Dv -> Dq, only when the sizes differ
  double scale_;              // 1/√Dq when scaled, else 1
};

}  // namespace nmt
