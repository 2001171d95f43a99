// sparsemax, with the sort-based threshold of Martins & Astudillo 2016 (Algorithm 1): with the
// scores sorted in decreasing order z_(1) >= ... >= z_(n), the support size is the largest k with
// 1 + k z_(k) > sum_{j<=k} z_(j), and tau = (sum_{j<=k} z_(j) - 1) / k.
#include "attention/sparsemax.h"

#include <torch/autograd.h>

#include "attention/normalizer.h"

namespace nmt {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

class SparsemaxFunction : public torch::autograd::Function<SparsemaxFunction> {
 public:
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& scores,
                               const torch::Tensor& mask) {
    const auto [z, real] = shift_for_sorting(scores, mask);
    const auto sorted = std::get<0>(z.sort(/*dim=*/-1, /*descending=*/true));
    const auto k = torch::arange(1, z.size(-1) + 1, z.options());  // 1..n
    const auto running_sum = sorted.cumsum(/*dim=*/-1);
    // [..., 1]; at least 1 so that a row with a NaN score gives NaN weights, not a bad index.
    const auto support =
        (1 + k * sorted).gt(running_sum).sum(/*dim=*/-1, /*keepdim=*/true).clamp_min(1);
    const auto tau = (running_sum.gather(-1, support - 1) - 1) / support.to(z.scalar_type());
    const auto weights = (z - tau).clamp_min(0).masked_fill(real.logical_not(), 0.0);
    ctx->save_for_backward({weights});
    return weights;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto weights = ctx->get_saved_variables()[0];
    const auto& grad = grad_outputs[0];
    const auto in_support = weights.gt(0).to(grad.scalar_type());
    const auto mean = (grad * in_support).sum(/*dim=*/-1, /*keepdim=*/true) /
                      in_support.sum(/*dim=*/-1, /*keepdim=*/true).clamp_min(1);
    return {in_support * (grad - mean), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor sparsemax(const torch::Tensor& scores, const torch::Tensor& mask) {
  return SparsemaxFunction::apply(scores, mask);
}

}  // namespace nmt
