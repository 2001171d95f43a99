#include "train/loss.h"

#include <torch/torch.h>

#include "data/vocab.h"

namespace nmt {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Smoothing spreads e evenly over the K = V - 2 tokens that can be targets: not <pad> nor
// <s> (as Joey NMT and fairseq do). Per token, from logits x and target y (lse = log sum_v
// exp x_v, sums over v below run over those K tokens):
//   nll = lse - x_y,  uniform = mean_v(-log p_v) = lse - sum_v x_v / K,
//   loss = (1 - e) nll + e uniform,
//   d loss / d x = softmax(x) - (1 - e) onehot(y) - e / K (the last only on those K tokens).
// One logsumexp and one sum over the [N, V] logits forward, one exp backward: the unfused
// log_softmax, gather, mean and their backward passes cost about twice the memory traffic.
class SmoothedCrossEntropy : public torch::autograd::Function<SmoothedCrossEntropy> {
 public:
  // logits [N, V], targets [N] -> {loss [N], nll [N]}, both 0 on <pad> targets; nll has no
  // gradient.
  static variable_list forward(AutogradContext* ctx, const torch::Tensor& logits,
                               const torch::Tensor& targets, double smoothing) {
    const auto real = targets.ne(kPadId).to(logits.scalar_type());  // [N]
    const auto lse = logits.logsumexp(/*dim=*/1);                   // [N]
    const auto nll = (lse - logits.gather(1, targets.unsqueeze(1)).squeeze(1)).mul_(real);
    const auto never_targets = logits.select(1, kPadId) + logits.select(1, kBosId);
    const auto mean_target_logit =
        (logits.sum(/*dim=*/1) - never_targets).div_(static_cast<double>(logits.size(1) - 2));
    const auto uniform = (lse - mean_target_logit).mul_(real);
    const auto loss = nll * (1.0 - smoothing) + uniform * smoothing;
    ctx->save_for_backward({logits, lse, targets, real});
    ctx->saved_data["smoothing"] = smoothing;
    ctx->mark_non_differentiable({nll});
    return {loss, nll};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const auto &logits = saved[0], &lse = saved[1], &targets = saved[2], &real = saved[3];
    const double smoothing = ctx->saved_data["smoothing"].toDouble();
    const double spread = smoothing / static_cast<double>(logits.size(1) - 2);
    const auto scale = (grad_outputs[0] * real).unsqueeze(1);  // [N, 1]
    auto grad = (logits - lse.unsqueeze(1)).exp_();            // softmax [N, V]
    grad.sub_(spread);
    grad.select(1, kPadId).add_(spread);
    grad.select(1, kBosId).add_(spread);
    grad.scatter_add_(1, targets.unsqueeze(1),
                      torch::full({targets.size(0), 1}, -(1.0 - smoothing), logits.options()));
    return {grad.mul_(scale), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

TokenLoss label_smoothed_loss(const torch::Tensor& logits, const torch::Tensor& targets,
                              double smoothing) {
  const auto flat = targets.reshape({-1});  // [N]
  const auto out =
      SmoothedCrossEntropy::apply(logits.reshape({-1, logits.size(-1)}), flat, smoothing);
  return {out[0].sum(), out[1].sum(), flat.ne(kPadId).sum().item<int64_t>(),
          out[1].view_as(targets)};
}

torch::Tensor coverage_loss(const torch::Tensor& weights, const torch::Tensor& target_mask) {
  // c_t = sum_{t' < t} a_t': the running sum of the weights shifted one step (exact, where
  // cumsum minus the weights could leave a rounding error below 0).
  const auto before = torch::cat(
      {torch::zeros_like(weights.narrow(1, 0, 1)), weights.narrow(1, 0, weights.size(1) - 1)},
      /*dim=*/1);
  const auto coverage = before.cumsum(/*dim=*/1);                           // [B, T, S]
  const auto per_token = torch::minimum(weights, coverage).sum(/*dim=*/2);  // [B, T]
  return (per_token * target_mask.to(per_token.scalar_type())).sum();
}

}  // namespace nmt
