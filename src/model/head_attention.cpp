#include "model/head_attention.h"

#include <torch/torch.h>

#include <cmath>

#include "attention/attention.h"

namespace nmt {

torch::Tensor split_heads(const torch::Tensor& x, int64_t heads) {
  return x.view({x.size(0), x.size(1), heads, x.size(2) / heads}).transpose(1, 2);
}

torch::Tensor merge_heads(const torch::Tensor& x) {
  return x.transpose(1, 2).reshape({x.size(0), x.size(2), x.size(1) * x.size(3)});
}

HeadAttention scaled_dot_product(const torch::Tensor& q, const torch::Tensor& k,
                                 const torch::Tensor& v, const torch::Tensor& mask, double dropout,
                                 bool training) {
  const auto scores = torch::matmul(q, k.transpose(-2, -1)) /
                      std::sqrt(static_cast<double>(q.size(-1)));  // [B, heads, T, S]
  auto weights = mask.defined() ? masked_softmax(scores, mask) : torch::softmax(scores, -1);
  const bool dropped = training && dropout > 0;
  auto context = torch::matmul(dropped ? torch::dropout(weights, dropout, true) : weights, v);
  return {std::move(context), std::move(weights)};
}

}  // namespace nmt
