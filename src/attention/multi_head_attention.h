// Multi-head attention for one query: `heads` scaled dot-product heads over learned projections,
// concatenated and projected (Vaswani et al. 2017, sec. 3.2.2, MultiHead(Q, K, V)).
#pragma once

#include "attention/attention.h"
#include "common/linear.h"

namespace nmt {

class MultiHeadAttention : public Attention {
 public:
  /// Model size D = Dq split into `heads` heads of D/heads; throws ConfigError naming
  /// model.attention.heads unless heads divides D. Linears without bias: "query_proj" (Dq -> D),
  /// "key_proj" and "value_proj" (Dv -> D), "out_proj" (D -> Dv, so the context is [B, Dv] as for
  /// every other type).
  MultiHeadAttention(const AttentionShape& shape, int64_t heads);

  /// keys = projected keys [B, heads, S, D/heads], values = projected values, same shape.
  AttentionMemory prepare(const torch::Tensor& enc_out, const torch::Tensor& mask) override;
  /// weights [B, S] are the mean of the heads' weights (each row still sums to 1).
  AttentionResult forward(const AttentionQuery& query, const AttentionMemory& memory) override;

 private:
  torch::Tensor split_heads(const torch::Tensor& x) const;  // [B, S, D] -> [B, heads, S, D/heads]

  int64_t heads_, head_dim_;
  Linear query_proj_{nullptr}, key_proj_{nullptr}, value_proj_{nullptr}, out_proj_{nullptr};
};

}  // namespace nmt
