#include "model/head_attention.h"

#include <torch/torch.h>

#include <cmath>

#include "attention/attention.h"
#include "common/errors.h"
#include "model/dropout.h"

namespace nmt {

void check_transformer_sizes(const std::string& part, int64_t embedding_dim, int64_t hidden,
                             int64_t heads) {
  const std::string key = "model." + part + ".";
  if (embedding_dim != hidden) {
    throw ConfigKeyError(key + "embedding_dim",
                         "the transformer " + part + " needs it equal to " + key + "hidden (" +
                             std::to_string(embedding_dim) + " vs " + std::to_string(hidden) + ")");
  }
  if (hidden % heads != 0) {
    throw ConfigKeyError(key + "heads", std::to_string(heads) + " heads do not divide " + key +
                                            "hidden (" + std::to_string(hidden) + ")");
  }
}

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
  auto context = torch::matmul(apply_dropout(weights, dropout, training), v);
  return {std::move(context), std::move(weights)};
}

}  // namespace nmt
