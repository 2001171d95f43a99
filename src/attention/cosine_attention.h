// Cosine attention: score(z, h) = cos(z, h) / τ, with τ a fixed or learned temperature
// (Graves et al. 2014, Neural Turing Machines, eq. 5-6: content addressing by cosine similarity).
#pragma once

#include "attention/attention.h"
#include "common/linear.h"

namespace nmt {

class CosineAttention : public Attention {
 public:
  /// Keeps log τ ("log_temperature") so τ stays positive: a parameter when `learn_temperature`,
  /// else a buffer (same checkpoint key either way). When Dq != Dv the keys are projected to Dq
  /// by a learned Linear without bias, "key_proj".
  CosineAttention(const AttentionShape& shape, double temperature, bool learn_temperature);

  /// keys = unit-length (projected) h [B, S, Dq]; values = h [B, S, Dv].
  AttentionMemory prepare(const torch::Tensor& enc_out, const torch::Tensor& mask) override;
  AttentionResult forward(const AttentionQuery& query, const AttentionMemory& memory) override;

 private:
  Linear key_proj_{nullptr};       // Dv -> Dq, only when the sizes differ
  torch::Tensor log_temperature_;  // [] log τ
};

}  // namespace nmt
