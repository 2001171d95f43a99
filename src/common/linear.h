// nmt's fully connected layer: torch::nn::Linear (the same parameters, so the same checkpoints)
// whose forward is at::linear. Under bf16 autocast (train.precision and translate --precision
// bf16), LibTorch then casts the weight to bf16 once per autocast guard and reuses that copy.
// torch::nn::Linear's forward hands autocast weight.t(), a view, which it casts again at every
// call; in training every such copy is also kept for the backward pass, one per decoder step.
// Inside an Int8Scope (common/int8_matmuls.h), it multiplies in int8.
#pragma once

#include <torch/nn/modules/linear.h>

#include <cstdint>

#include "common/int8_matmuls.h"

namespace nmt {

class LinearImpl : public torch::nn::LinearImpl {
 public:
  using torch::nn::LinearImpl::LinearImpl;
  torch::Tensor forward(const torch::Tensor& input) { return nmt::linear(input, weight, bias); }
};
TORCH_MODULE(Linear);

/// y = Wx, with no bias: the attention scorers' layers (a bias added to every position's score
/// cancels in the normalizer, and the published scorers have none) and the decoder's
/// attentional and output layers.
inline Linear unbiased_linear(int64_t in, int64_t out) {
  return Linear(torch::nn::LinearOptions(in, out).bias(false));
}

}  // namespace nmt
