// Dropout (Srivastava et al. 2014): in training each element is zeroed with probability p and the
// rest are scaled by 1 / (1 - p); outside training, the identity.
//
// Why not torch::dropout on the CPU: LibTorch 1.13 built without MKL (Debian's) draws its mask
// with bernoulli_, one double from a locked generator per element, which made dropout about a
// fifth of a Transformer's training step. The mask here is torch::rand compared with p: the same
// distribution from the same generator (so seeds and exact resume hold), about 4x faster
// (bench/RESULTS.md). Other devices use their fused kernel.
#pragma once

#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

namespace nmt {

torch::Tensor apply_dropout(const torch::Tensor& x, double p, bool training);

/// The module form, for layers that register it: `dropout_(x)` drops in training mode.
class DropoutImpl : public torch::nn::Cloneable<DropoutImpl> {
 public:
  explicit DropoutImpl(double p) : p_(p) {}
  void reset() override {}
  torch::Tensor forward(const torch::Tensor& x) { return apply_dropout(x, p_, is_training()); }
  double p() const { return p_; }

 private:
  double p_;
};
TORCH_MODULE(Dropout);

}  // namespace nmt
