// Helpers shared by the attention tests: one prepare + forward call, and setting a registered
// parameter to a hand-chosen value.
#pragma once

#include <torch/types.h>
#include <torch/utils.h>

#include <string>

#include "attention/attention.h"

namespace nmt::test {

/// prepare(values, mask) then forward(query): z [B, Dq], h [B, S, Dv], mask [B, S].
inline AttentionResult attend(Attention& attention, const torch::Tensor& z, const torch::Tensor& h,
                              const torch::Tensor& mask) {
  return attention.forward({z}, attention.prepare(h, mask));
}

/// Copies `value` into the parameter registered as `name` (e.g. "key_proj.weight"); throws if
/// there is no such parameter, so the checkpoint keys are checked too.
inline void set_parameter(torch::nn::Module& module, const std::string& name,
                          const torch::Tensor& value) {
  torch::NoGradGuard no_grad;
  module.named_parameters()[name].copy_(value);
}

}  // namespace nmt::test
