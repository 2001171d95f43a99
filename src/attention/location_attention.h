// Location-based attention (Luong et al. 2015, eq. 8): a_t = normalize(W_a z_t), scores from
// the decoder state alone, one per source position, with no look at the source's content: the
// baseline of their comparison, and Sockeye 1's "location". W_a has a fixed number of rows
// (model.attention.positions); positions past them share the last row's score.
#pragma once

#include "attention/attention.h"
#include "common/linear.h"

namespace nmt {

class LocationAttention : public Attention {
 public:
  /// W_a "position_proj" (Dq -> positions, no bias); `positions` >= 1.
  LocationAttention(const AttentionShape& shape, int64_t positions);

  /// keys undefined (nothing to precompute); values = h [B, S, Dv].
  AttentionMemory prepare(const torch::Tensor& enc_out, const torch::Tensor& mask) override;
  AttentionResult forward(const AttentionQuery& query, const AttentionMemory& memory) override;

 private:
  int64_t positions_;
  Linear position_proj_{nullptr};
};

}  // namespace nmt
