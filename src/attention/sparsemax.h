// sparsemax (Martins & Astudillo 2016): the Euclidean projection of the scores onto the
// probability simplex, p = max(z - tau, 0) with tau chosen so that p sums to 1. Unlike softmax
// it puts exactly zero on every position whose score is more than 1 below the largest.
#pragma once

#include <torch/types.h>

namespace nmt {

/// sparsemax over the last dimension of scores [B, ..., S]; masked positions (mask false,
/// broadcast against scores) get exactly 0, a row with no real position all zeros. Its
/// backward is the closed form: for support set K, dz_i = [i in K] (g_i - mean_{j in K} g_j).
torch::Tensor sparsemax(const torch::Tensor& scores, const torch::Tensor& mask);

}  // namespace nmt
