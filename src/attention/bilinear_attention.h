// Bilinear ("general") attention: score(z, h) = zᵀ W h (Luong et al. 2015, eq. 8).
#pragma once

#include "attention/attention.h"
#include "common/linear.h"

namespace nmt {

class BilinearAttention : public Attention {
 public:
  /// W is a learned Linear Dv -> Dq without bias, registered as "w".
  explicit BilinearAttention(const AttentionShape& shape);

  /// keys = W h [B, S, Dq], so each step is one dot product; values = h [B, S, Dv].
  AttentionMemory prepare(const torch::Tensor& enc_out, const torch::Tensor& mask) override;
  AttentionResult forward(const AttentionQuery& query, const AttentionMemory& memory) override;

 private:
  Linear w_{nullptr};  // Dv -> Dq
};

}  // namespace nmt
