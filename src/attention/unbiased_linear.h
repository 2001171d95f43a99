// The linear layer attention scorers are made of: y = Wx, without a bias (a bias added to every
// position's score cancels in the normalizer, and the published scorers have none).
#pragma once

#include <torch/nn/modules/linear.h>

#include <cstdint>

#include "common/linear.h"

namespace nmt {

inline Linear unbiased_linear(int64_t in, int64_t out) {
  return Linear(torch::nn::LinearOptions(in, out).bias(false));
}

}  // namespace nmt
