#include "attention/hard_attention.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nmt {
namespace {

// The result of attending to exactly one position per row, position [B] int64; a row with no
// real position (mask [B, S]) attends to nothing, as in every other type.
AttentionResult attend_to(const torch::Tensor& position, const torch::Tensor& mask,
                          const torch::Tensor& values) {
  const auto one_hot = torch::zeros(mask.sizes(), values.options())
                           .scatter_(1, position.unsqueeze(1), 1.0)
                           .masked_fill(mask.logical_not(), 0.0);  // [B, S]
  return {weighted_sum(one_hot, values), one_hot};
}

}  // namespace

HardAttention::HardAttention(std::shared_ptr<Attention> scorer, double baseline_decay,
                             double entropy_weight, bool expected_at_inference)
    : scorer_(register_module("scorer", std::move(scorer))),
      baseline_decay_(baseline_decay),
      entropy_weight_(entropy_weight),
      expected_at_inference_(expected_at_inference) {
  baseline_ = register_buffer("baseline", torch::tensor(std::numeric_limits<double>::quiet_NaN()));
}

AttentionMemory HardAttention::prepare(const torch::Tensor& enc_out, const torch::Tensor& mask) {
  return scorer_->prepare(enc_out, mask);
}

AttentionResult HardAttention::forward(const AttentionQuery& query, const AttentionMemory& memory) {
  const auto soft = scorer_->forward(query, memory);  // weights [B, S]
  if (!is_training()) {
    if (expected_at_inference_) return soft;
    return attend_to(soft.weights.argmax(/*dim=*/1), memory.mask, memory.values);
  }
  // A row with no real position has all-zero weights, which multinomial() refuses.
  const auto empty_row = memory.mask.any(/*dim=*/1).logical_not().unsqueeze(1);  // [B, 1]
  const auto sampled =
      torch::multinomial(soft.weights.detach() + empty_row.to(soft.weights.scalar_type()), 1)
          .squeeze(1);  // [B]
  // Clamped logs keep the gradients finite where a weight underflows to 0.
  const auto log_weights = soft.weights.clamp_min(1e-12).log();  // [B, S]
  auto result = attend_to(sampled, memory.mask, memory.values);
  result.sample_log_prob = log_weights.gather(1, sampled.unsqueeze(1)).squeeze(1);  // [B]
  result.sample_entropy = -(soft.weights * log_weights).sum(/*dim=*/1);             // [B]
  return result;
}

PolicyLoss HardAttention::policy_loss(const PolicySamples& samples, const torch::Tensor& token_loss,
                                      const torch::Tensor& target_mask) {
  if (!samples.defined()) return {};
  const auto& log_probs = samples.log_probs;                  // [B, T]
  const auto& entropy = samples.entropy;                      // [B, T]
  const auto real = target_mask.to(log_probs.scalar_type());  // [B, T]
  const auto reward = -token_loss.detach().to(log_probs.scalar_type());
  const double tokens = std::max(1.0, real.sum().item<double>());
  const double mean_reward = (reward * real).sum().item<double>() / tokens;
  double baseline = baseline_.item<double>();
  if (std::isnan(baseline)) baseline = mean_reward;
  const auto advantage = reward - baseline;
  const auto loss = -((advantage * log_probs + entropy_weight_ * entropy) * real).sum();
  {
    torch::NoGradGuard no_grad;
    baseline_.fill_(baseline_decay_ * baseline + (1 - baseline_decay_) * mean_reward);
  }
  const double mean_entropy = (entropy.detach() * real).sum().item<double>() / tokens;
  return {loss, mean_reward, baseline, mean_entropy};
}

}  // namespace nmt
