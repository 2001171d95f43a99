// Cosine attention: score(z, h) = cos(z, h) / τ (content addressing of Graves et al. 2014,
// eq. 5-6, with τ = 1/β).
#include "attention/cosine_attention.h"

#include <torch/nn/functional/normalization.h>

#include <cmath>

namespace nmt {
namespace {

torch::Tensor unit_length(const torch::Tensor& x) {  // [..., D] -> [..., D]
  namespace F = torch::nn::functional;
  return F::normalize(x, F::NormalizeFuncOptions().p(2).dim(-1));
}

}  // namespace

CosineAttention::CosineAttention(const AttentionShape& shape, double temperature,
                                 bool learn_temperature) {
  auto projection = key_projection_if_sizes_differ(shape, "cosine");
  if (projection) key_proj_ = register_module("key_proj", projection);
  auto log_t = torch::tensor(std::log(temperature));  // [], the default dtype, like Linear's
  log_temperature_ = learn_temperature ? register_parameter("log_temperature", log_t)
                                       : register_buffer("log_temperature", log_t);
}

AttentionMemory CosineAttention::prepare(const torch::Tensor& enc_out, const torch::Tensor& mask) {
  const auto keys = unit_length(key_proj_ ? key_proj_(enc_out) : enc_out);  // [B, S, Dq]
  return {keys, enc_out, mask};
}

AttentionResult CosineAttention::forward(const AttentionQuery& query,
                                         const AttentionMemory& memory) {
  const auto z = unit_length(query.state).unsqueeze(2);                           // [B, Dq, 1]
  const auto cosines = torch::bmm(memory.keys, z).squeeze(2);                     // [B, S]
  const auto weights = normalize(cosines / log_temperature_.exp(), memory.mask);  // [B, S]
  return {weighted_sum(weights, memory.values), weights};                         // [B, Dv], [B, S]
}

}  // namespace nmt
