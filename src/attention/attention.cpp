// Helpers shared by every attention type.
#include "attention/attention.h"

#include <c10/core/impl/LocalDispatchKeySet.h>
#include <spdlog/spdlog.h>

#include <limits>

namespace nmt {

AttentionMemory AttentionMemory::index_select(const torch::Tensor& rows) const {
  return {keys.defined() ? keys.index_select(0, rows) : keys, values.index_select(0, rows),
          mask.index_select(0, rows)};
}

torch::Tensor masked_softmax(const torch::Tensor& scores, const torch::Tensor& mask) {
  const auto padding = mask.logical_not();
  const auto masked = scores.masked_fill(padding, -std::numeric_limits<double>::infinity());
  // A row with no real position would be all -inf (softmax NaN); its weights become 0.
  return torch::softmax(masked, /*dim=*/-1).masked_fill(padding, 0.0);  // [B, S]
}

Linear key_projection_if_sizes_differ(const AttentionShape& shape, const std::string& type) {
  if (shape.query_dim == shape.value_dim) return nullptr;
  spdlog::warn(
      "[model] attention {}: the decoder state ({}) and the encoder states ({}) differ in size, "
      "so the encoder states go through a learned {}x{} key projection W: the score is {}(z, "
      "Wh){}. "
      "For the type as published, set model.decoder.hidden={}",
      type, shape.query_dim, shape.value_dim, shape.query_dim, shape.value_dim, type,
      type == "cosine" ? "" : ", the same model as bilinear", shape.value_dim);
  return unbiased_linear(shape.value_dim, shape.query_dim);
}

torch::Tensor weighted_sum(const torch::Tensor& weights, const torch::Tensor& values) {
  // In the values' own dtype, whatever autocast is on: the values are read at every decoder
  // step, and autocast would copy fp32 ones to bf16 each time (and keep each copy for the
  // backward pass), while the product is a memory-bound batched matrix-vector product anyway.
  const c10::impl::ExcludeDispatchKeyGuard no_autocast(c10::DispatchKey::AutocastCPU);
  return torch::bmm(weights.unsqueeze(1).to(values.scalar_type()), values)
      .squeeze(1);  // [B, 1, S] x [B, S, Dv] -> [B, Dv]
}

}  // namespace nmt
