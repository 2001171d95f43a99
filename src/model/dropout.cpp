#include "model/dropout.h"

#include <torch/torch.h>

namespace nmt {

torch::Tensor apply_dropout(const torch::Tensor& x, double p, bool training) {
  if (!training || p <= 0) return x;
  if (!x.device().is_cpu()) return torch::dropout(x, p, /*train=*/true);
  if (p >= 1) return torch::zeros_like(x);
  // Kept elements: a uniform draw at or above p, probability 1 - p.
  auto keep = torch::rand(x.sizes(), x.options().dtype(torch::kFloat)).ge_(p).div_(1 - p);
  return x * keep.to(x.scalar_type());
}

}  // namespace nmt
