// 1.5-entmax with the exact sort-based threshold of Peters et al. 2019 (Algorithm 2): with
// x = z / 2 sorted in decreasing order, for each k the threshold if the support were the top k is
// tau_k = mean_k - sqrt(max(0, (1 - k (meansq_k - mean_k^2)) / k)); the support's
// size is the number of k with tau_k <= x_(k), and p = max(x - tau, 0)^2 with tau at that size.
#include "attention/entmax.h"

#include <torch/autograd.h>

#include "attention/normalizer.h"

namespace nmt {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

class Entmax15Function : public torch::autograd::Function<Entmax15Function> {
 public:
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& scores,
                               const torch::Tensor& mask) {
    const auto [z, real] = shift_for_sorting(scores, mask);
    const auto x = z / 2;
    const auto sorted = std::get<0>(x.sort(/*dim=*/-1, /*descending=*/true));
    const auto k = torch::arange(1, x.size(-1) + 1, x.options());  // 1..n
    const auto mean = sorted.cumsum(/*dim=*/-1) / k;
    const auto mean_square = sorted.square().cumsum(/*dim=*/-1) / k;
    const auto spread = k * (mean_square - mean.square());
    const auto taus = mean - ((1 - spread) / k).clamp_min(0).sqrt();
    // [..., 1]; at least 1 so that a row with a NaN score gives NaN weights, not a bad index.
    const auto support = taus.le(sorted).sum(/*dim=*/-1, /*keepdim=*/true).clamp_min(1);
    const auto tau = taus.gather(-1, support - 1);  // [..., 1]
    const auto weights = (x - tau).clamp_min(0).square().masked_fill(real.logical_not(), 0.0);
    ctx->save_for_backward({weights});
    return weights;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto weights = ctx->get_saved_variables()[0];
    const auto& grad = grad_outputs[0];
    const auto root = weights.sqrt();
    const auto scaled = grad * root;
    // A row without weight (no real position) has root all 0 and scaled all 0.
    const auto share = scaled.sum(/*dim=*/-1, /*keepdim=*/true) /
                       root.sum(/*dim=*/-1, /*keepdim=*/true).clamp_min(1e-30);
    return {scaled - share * root, torch::Tensor()};
  }
};

}  // namespace

torch::Tensor entmax15(const torch::Tensor& scores, const torch::Tensor& mask) {
  return Entmax15Function::apply(scores, mask);
}

}  // namespace nmt
