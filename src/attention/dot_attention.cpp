// Dot-product attention (Luong et al. 2015, eq. 8; Vaswani et al. 2017, eq. 1 for the scale).
#include "attention/dot_attention.h"

#include <cmath>

namespace nmt {

DotAttention::DotAttention(const AttentionShape& shape, bool scaled)
    : scale_(scaled ? 1.0 / std::sqrt(static_cast<double>(shape.query_dim)) : 1.0) {
  auto projection = key_projection_if_sizes_differ(shape, scaled ? "scaled_dot" : "dot");
  if (projection) key_proj_ = register_module("key_proj", projection);
}

AttentionMemory DotAttention::prepare(const torch::Tensor& enc_out, const torch::Tensor& mask) {
  const auto keys = key_proj_ ? key_proj_(enc_out) : enc_out;  // [B, S, Dq]
  return {keys, enc_out, mask};
}

AttentionResult DotAttention::forward(const AttentionQuery& query, const AttentionMemory& memory) {
  const auto scores =
      torch::bmm(memory.keys, query.state.unsqueeze(2)).squeeze(2) * scale_;  // [B, S]
  const auto weights = normalize(scores, memory.mask);                        // [B, S]
  return {weighted_sum(weights, memory.values), weights};                     // [B, Dv], [B, S]
}

}  // namespace nmt
