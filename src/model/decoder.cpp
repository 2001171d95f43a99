#include "model/decoder.h"

#include "common/linear.h"

namespace nmt {

torch::Tensor Decoder::logits(const torch::Tensor& outputs) {
  return nmt::linear(outputs, output_weight());  // [..., V]
}

PolicyLoss Decoder::policy_loss(const PolicySamples& /*samples*/,
                                const torch::Tensor& /*token_loss*/,
                                const torch::Tensor& /*target_mask*/) {
  return {};
}

}  // namespace nmt
