// Multi-head scaled dot-product attention (Vaswani et al. 2017, sec. 3.2.1-3.2.2), the core the
// Transformer encoder's and decoder's layers share; each layer keeps its own projections.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>

namespace nmt {

/// Throws ConfigKeyError naming model.PART.embedding_dim or model.PART.heads (`part`: "encoder"
/// or "decoder") unless a Transformer of these sizes can be built: embedding_dim equal to
/// hidden, and heads that divide it.
void check_transformer_sizes(const std::string& part, int64_t embedding_dim, int64_t hidden,
                             int64_t heads);

/// x [B, T, d] -> [B, heads, T, d / heads].
torch::Tensor split_heads(const torch::Tensor& x, int64_t heads);

/// x [B, heads, T, Dh] -> [B, T, heads * Dh].
torch::Tensor merge_heads(const torch::Tensor& x);

struct HeadAttention {
  torch::Tensor context;  // [B, heads, T, Dh]
  torch::Tensor weights;  // [B, heads, T, S]
};

/// softmax(q kᵀ / √Dh) v per head, for q [B, heads, T, Dh] and k, v [B, heads, S, Dh]. `mask`
/// (broadcast against [B, heads, T, S], true = may attend) gives the other positions weight
/// exactly 0; undefined: every position. In training, `dropout` drops weights before they
/// weigh v (attention dropout); the weights returned are the undropped ones.
HeadAttention scaled_dot_product(const torch::Tensor& q, const torch::Tensor& k,
                                 const torch::Tensor& v, const torch::Tensor& mask, double dropout,
                                 bool training);

}  // namespace nmt
