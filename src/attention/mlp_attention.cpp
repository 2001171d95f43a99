// Additive attention, Bahdanau et al. 2015, A.1.2: score(z, h) = vᵀ tanh(W₁z + W₂h).
#include "attention/mlp_attention.h"

#include "attention/additive_scores.h"
#include "common/linear.h"

namespace nmt {

MlpAttention::MlpAttention(const AttentionShape& shape)
    : query_proj_(register_module("query_proj", unbiased_linear(shape.query_dim, shape.query_dim))),
      key_proj_(register_module("key_proj", unbiased_linear(shape.value_dim, shape.query_dim))),
      v_(register_module("v", unbiased_linear(shape.query_dim, 1))) {}

AttentionMemory MlpAttention::prepare(const torch::Tensor& enc_out, const torch::Tensor& mask) {
  return {key_proj_(enc_out), enc_out, mask};  // keys [B, S, Dq], values [B, S, Dv]
}

AttentionResult MlpAttention::forward(const AttentionQuery& query, const AttentionMemory& memory) {
  const auto q = query_proj_(query.state).unsqueeze(1);             // [B, 1, Dq]
  const auto scores = additive_scores(memory.keys, q, v_->weight);  // [B, S]
  const auto weights = normalize(scores, memory.mask);              // [B, S]
  return {weighted_sum(weights, memory.values), weights};           // [B, Dv], [B, S]
}

}  // namespace nmt
