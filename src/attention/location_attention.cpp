#include "attention/location_attention.h"

#include <string>

#include "common/errors.h"
#include "common/linear.h"

namespace nmt {

LocationAttention::LocationAttention(const AttentionShape& shape, int64_t positions)
    : positions_(positions) {
  if (positions < 1) {
    throw ConfigKeyError("model.attention.positions",
                         "must be >= 1, got " + std::to_string(positions));
  }
  position_proj_ = register_module("position_proj", unbiased_linear(shape.query_dim, positions));
}

AttentionMemory LocationAttention::prepare(const torch::Tensor& enc_out,
                                           const torch::Tensor& mask) {
  return {torch::Tensor(), enc_out, mask};
}

AttentionResult LocationAttention::forward(const AttentionQuery& query,
                                           const AttentionMemory& memory) {
  const int64_t length = memory.mask.size(1);
  auto scores = position_proj_(query.state);  // [B, positions]
  if (length <= positions_) {
    scores = scores.narrow(/*dim=*/1, 0, length);
  } else {
    const auto last = scores.narrow(/*dim=*/1, positions_ - 1, 1);
    scores = torch::cat({scores, last.expand({-1, length - positions_})}, /*dim=*/1);
  }
  const auto weights = normalize(scores, memory.mask);     // [B, S]
  return {weighted_sum(weights, memory.values), weights};  // [B, Dv], [B, S]
}

}  // namespace nmt
