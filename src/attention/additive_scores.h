// The additive score vᵀ tanh(keys + shift) as one autograd step that keeps no [B, S, D]
// activation: the tanh is computed again in the backward pass. Written out in plain ops,
// autograd would keep tanh's output for every decoder step of a batch (with 100 sentences of
// 30 source pieces and D = 512, 6 MB a step, ~180 MB over 30 steps: the largest share of the
// reference architecture's training memory), for one extra tanh per step.
#pragma once

#include <torch/types.h>

namespace nmt {

/// keys [B, S, D], shift broadcastable to it (e.g. the projected query [B, 1, D]), v [1, D]
/// (a Linear's weight) -> scores [B, S] = Σ_d v_d tanh(keys + shift)_d.
torch::Tensor additive_scores(const torch::Tensor& keys, const torch::Tensor& shift,
                              const torch::Tensor& v);

}  // namespace nmt
