#include "attention/coverage_attention.h"

#include "common/linear.h"

namespace nmt {

CoverageAttention::CoverageAttention(const AttentionShape& shape)
    : query_proj_(register_module("query_proj", unbiased_linear(shape.query_dim, shape.query_dim))),
      key_proj_(register_module("key_proj", unbiased_linear(shape.value_dim, shape.query_dim))),
      coverage_proj_(register_module("coverage_proj", unbiased_linear(1, shape.query_dim))),
      v_(register_module("v", unbiased_linear(shape.query_dim, 1))) {}

AttentionMemory CoverageAttention::prepare(const torch::Tensor& enc_out,
                                           const torch::Tensor& mask) {
  return {key_proj_(enc_out), enc_out, mask};  // keys [B, S, Dq], values [B, S, Dv]
}

AttentionResult CoverageAttention::forward(const AttentionQuery& query,
                                           const AttentionMemory& memory) {
  const auto coverage = query.carried.defined()
                            ? query.carried
                            : torch::zeros(memory.mask.sizes(), memory.values.options());  // [B, S]
  const auto q = query_proj_(query.state).unsqueeze(1);                 // [B, 1, Dq]
  const auto c = coverage_proj_(coverage.unsqueeze(2));                 // [B, S, Dq]
  const auto scores = v_(torch::tanh(memory.keys + q + c)).squeeze(2);  // [B, S]
  const auto weights = normalize(scores, memory.mask);                  // [B, S]
  AttentionResult result{weighted_sum(weights, memory.values), weights};
  result.next = coverage + weights;
  return result;
}

}  // namespace nmt
