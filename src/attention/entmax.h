// 1.5-entmax (Peters, Niculae & Martins 2019): p_i = max(z_i / 2 - tau, 0)^2 with tau chosen so
// that p sums to 1. Between softmax and sparsemax: sparse, but with smoother weights than
// sparsemax (a position whose score is 2 or more below the largest always gets nothing).
#pragma once

#include <torch/types.h>

namespace nmt {

/// 1.5-entmax over the last dimension of scores [B, ..., S]; masked positions (mask false,
/// broadcast against scores) get exactly 0, a row with no real position all zeros. Its
/// backward is the closed form: with s = sqrt(p), dz = s * g - s * (sum s g) / (sum s).
torch::Tensor entmax15(const torch::Tensor& scores, const torch::Tensor& mask);

}  // namespace nmt
