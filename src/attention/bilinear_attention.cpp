// Bilinear ("general") attention, Luong et al. 2015, eq. 8: score(z, h) = zᵀ W h.
#include "attention/bilinear_attention.h"

namespace nmt {

BilinearAttention::BilinearAttention(const AttentionShape& shape)
    : w_(register_module("w", unbiased_linear(shape.value_dim, shape.query_dim))) {}

AttentionMemory BilinearAttention::prepare(const torch::Tensor& enc_out,
                                           const torch::Tensor& mask) {
  return {w_(enc_out), enc_out, mask};  // keys [B, S, Dq], values [B, S, Dv]
}

AttentionResult BilinearAttention::forward(const AttentionQuery& query,
                                           const AttentionMemory& memory) {
  const auto scores = torch::bmm(memory.keys, query.state.unsqueeze(2)).squeeze(2);  // [B, S]
  const auto weights = normalize(scores, memory.mask);                               // [B, S]
  return {weighted_sum(weights, memory.values), weights};  // [B, Dv], [B, S]
}

}  // namespace nmt
