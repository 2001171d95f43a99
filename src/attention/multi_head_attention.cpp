// Multi-head attention, Vaswani et al. 2017, sec. 3.2.2: MultiHead = Concat(head_1..h) W^O with
// head_i = softmax(z W_i^Q (h W_i^K)ᵀ / √d_k) h W_i^V, for a single query z.
#include "attention/multi_head_attention.h"

#include <cmath>
#include <string>

#include "common/errors.h"
#include "common/linear.h"

namespace nmt {

MultiHeadAttention::MultiHeadAttention(const AttentionShape& shape, int64_t heads)
    : heads_(heads), head_dim_(heads > 0 ? shape.query_dim / heads : 0) {
  const int64_t d = shape.query_dim;
  if (heads < 1 || d % heads != 0) {
    throw ConfigKeyError("model.attention.heads",
                         std::to_string(heads) + " heads do not divide the query size " +
                             std::to_string(d) + " (model.decoder.hidden)");
  }
  query_proj_ = register_module("query_proj", unbiased_linear(d, d));
  key_proj_ = register_module("key_proj", unbiased_linear(shape.value_dim, d));
  value_proj_ = register_module("value_proj", unbiased_linear(shape.value_dim, d));
  out_proj_ = register_module("out_proj", unbiased_linear(d, shape.value_dim));
}

torch::Tensor MultiHeadAttention::split_heads(const torch::Tensor& x) const {
  const auto b = x.size(0), s = x.size(1);
  // Contiguous once here, so the per-step products read it without copying.
  return x.view({b, s, heads_, head_dim_}).transpose(1, 2).contiguous();  // [B, H, S, Dh]
}

AttentionMemory MultiHeadAttention::prepare(const torch::Tensor& enc_out,
                                            const torch::Tensor& mask) {
  return {split_heads(key_proj_(enc_out)), split_heads(value_proj_(enc_out)), mask};
}

AttentionResult MultiHeadAttention::forward(const AttentionQuery& query,
                                            const AttentionMemory& memory) {
  const auto b = memory.keys.size(0), s = memory.keys.size(2);
  const auto q = query_proj_(query.state).view({b * heads_, head_dim_, 1});  // [B*H, Dh, 1]
  const auto keys = memory.keys.reshape({b * heads_, s, head_dim_});         // [B*H, S, Dh]
  const auto scale = 1.0 / std::sqrt(static_cast<double>(head_dim_));
  const auto scores = torch::bmm(keys, q).view({b, heads_, s}) * scale;  // [B, H, S]
  const auto weights = normalize(scores, memory.mask.unsqueeze(1));      // [B, H, S]
  const auto heads = weighted_sum(weights.view({b * heads_, s}),
                                  memory.values.reshape({b * heads_, s, head_dim_}));  // [B*H, Dh]
  const auto context = out_proj_(heads.view({b, heads_ * head_dim_}));                 // [B, Dv]
  return {context, weights.mean(/*dim=*/1)};                                           // [B, S]
}

}  // namespace nmt
