// Helpers shared by every attention type.
#include "attention/attention.h"

#include <limits>

namespace nmt {

AttentionMemory AttentionMemory::index_select(const torch::Tensor& rows) const {
  return {keys.index_select(0, rows), values.index_select(0, rows), mask.index_select(0, rows)};
}

torch::Tensor masked_softmax(const torch::Tensor& scores, const torch::Tensor& mask) {
  const auto padding = mask.logical_not();
  const auto masked = scores.masked_fill(padding, -std::numeric_limits<double>::infinity());
  // A row with no real position would be all -inf (softmax NaN); its weights become 0.
  return torch::softmax(masked, /*dim=*/-1).masked_fill(padding, 0.0);  // [B, S]
}

torch::Tensor weighted_sum(const torch::Tensor& weights, const torch::Tensor& values) {
  return torch::bmm(weights.unsqueeze(1), values).squeeze(1);  // [B, 1, S] x [B, S, Dv] -> [B, Dv]
}

}  // namespace nmt
