#include "attention/local_attention.h"

#include <string>

#include "common/errors.h"
#include "common/linear.h"

namespace nmt {

LocalAttention::LocalAttention(const AttentionShape& shape, std::shared_ptr<Attention> scorer,
                               Alignment alignment, int64_t window)
    : scorer_(register_module("scorer", std::move(scorer))),
      alignment_(alignment),
      window_(window) {
  const int64_t least = alignment == Alignment::predictive ? 1 : 0;  // local_p: sigma = D / 2 > 0
  if (window < least) {
    throw ConfigKeyError("model.attention.window",
                         "must be >= " + std::to_string(least) + ", got " + std::to_string(window));
  }
  if (alignment == Alignment::predictive) {
    const int64_t d = shape.query_dim;
    position_proj_ = register_module("position_proj", unbiased_linear(d, d));
    position_v_ = register_module("position_v", unbiased_linear(d, 1));
  }
}

AttentionMemory LocalAttention::prepare(const torch::Tensor& enc_out, const torch::Tensor& mask) {
  return scorer_->prepare(enc_out, mask);
}

torch::Tensor LocalAttention::aligned_position(const AttentionQuery& query,
                                               const torch::Tensor& mask) {
  const auto lengths = mask.sum(/*dim=*/1).to(query.state.scalar_type());  // [B]
  if (alignment_ == Alignment::monotonic) {
    return torch::full_like(lengths, static_cast<double>(query.step)).minimum(lengths - 1);
  }
  const auto unit =
      torch::sigmoid(position_v_(torch::tanh(position_proj_(query.state)))).squeeze(1);  // [B]
  return lengths * unit;
}

AttentionResult LocalAttention::forward(const AttentionQuery& query,
                                        const AttentionMemory& memory) {
  const auto position = aligned_position(query, memory.mask);  // [B]
  const auto source_positions =
      torch::arange(memory.mask.size(1), position.options()).unsqueeze(0);  // [1, S]
  const auto distance = source_positions - position.unsqueeze(1);           // [B, S]
  AttentionMemory window = memory;
  window.mask = memory.mask.logical_and(distance.abs().le(static_cast<double>(window_)));
  auto result = scorer_->forward(query, window);
  if (alignment_ == Alignment::predictive) {
    const double sigma = window_ / 2.0;
    const auto gaussian = torch::exp(-distance.square() / (2 * sigma * sigma));  // [B, S]
    result.weights = result.weights * gaussian;
    result.context = weighted_sum(result.weights, memory.values);
  }
  return result;
}

}  // namespace nmt
