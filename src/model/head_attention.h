// Multi-head scaled dot-product attention (Vaswani et al. 2017, sec. 3.2.1-3.2.2), the core the
// Transformer encoder's and decoder's layers share; each layer keeps its own projections.
#pragma once

#include <torch/types.h>

#include <cstdint>

namespace nmt {

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
