#include "attention/additive_scores.h"

#include <torch/autograd.h>
#include <torch/torch.h>

namespace nmt {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

class AdditiveScores : public torch::autograd::Function<AdditiveScores> {
 public:
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& keys,
                               const torch::Tensor& shift, const torch::Tensor& v) {
    ctx->save_for_backward({keys, shift, v});
    auto hidden = keys + shift;  // [B, S, D]
    hidden.tanh_();
    if (hidden.scalar_type() != v.scalar_type()) {  // bf16 autocast: its matmul casts
      return torch::matmul(hidden, v.t()).squeeze(-1);
    }
    // A matrix-vector product: as a matmul, BLAS would first copy all B * S rows into its
    // GEMM layout (searching on Multi30K, that copy took longer than the product).
    const auto depth = hidden.size(-1);
    return hidden.view({-1, depth}).mv(v.view(-1)).view({hidden.size(0), hidden.size(1)});
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const auto &keys = saved[0], &shift = saved[1], &v = saved[2];
    // Under autocast the forward ran in bf16 where its inputs were; the backward runs in the
    // widest of the types and returns each gradient in its input's type.
    const auto type = torch::promote_types(keys.scalar_type(), v.scalar_type());
    const auto hidden = torch::tanh(keys.to(type) + shift.to(type));  // [B, S, D]
    const auto grad = grad_outputs[0].to(type).unsqueeze(-1);         // [B, S, 1]
    const auto rows = hidden.numel() / hidden.size(-1);
    const auto grad_v =  // [1, D], a matmul over all B*S rows as Linear's backward does it
        grad.reshape({rows, 1}).t().mm(hidden.reshape({rows, hidden.size(-1)}));
    auto grad_pre = grad * v.to(type);  // [B, S, D]
    grad_pre.mul_(1 - hidden * hidden);
    return {grad_pre.sum_to_size(keys.sizes()).to(keys.scalar_type()),
            grad_pre.sum_to_size(shift.sizes()).to(shift.scalar_type()),
            grad_v.to(v.scalar_type())};
  }
};

}  // namespace

torch::Tensor additive_scores(const torch::Tensor& keys, const torch::Tensor& shift,
                              const torch::Tensor& v) {
  return AdditiveScores::apply(keys, shift, v);
}

}  // namespace nmt
