// Local attention (Luong et al. 2015, sec. 3.2): each step attends only to the window
// [p_t - D, p_t + D] of source positions around an aligned position p_t.
//  local_m: p_t = t, the target step (monotonic alignment), clamped to the sentence's last
//           position so that steps past the source end still see its last D+1 words.
//  local_p: p_t = S · sigmoid(v_pᵀ tanh(W_p z)), S the sentence's real (unpadded) length, and
//           each weight is multiplied by exp(-(s - p_t)² / (2σ²)), σ = D / 2 (eq. 10).
// Inside the window a global type (model.attention.score) scores, and its normalizer runs over
// the window only: positions outside it get weight exactly 0. As in the paper, local_p's
// weights are not renormalised after the Gaussian, so they sum to at most 1.
#pragma once

#include <memory>

#include "attention/attention.h"
#include "common/linear.h"

namespace nmt {

class LocalAttention : public Attention {
 public:
  enum class Alignment { monotonic, predictive };

  /// `scorer` scores inside the window (registered as "scorer"); `window` is D (>= 1 for
  /// local_p, whose sigma is D / 2).
  LocalAttention(const AttentionShape& shape, std::shared_ptr<Attention> scorer,
                 Alignment alignment, int64_t window);

  AttentionMemory prepare(const torch::Tensor& enc_out, const torch::Tensor& mask) override;
  AttentionResult forward(const AttentionQuery& query, const AttentionMemory& memory) override;

  /// p_t of every row, [B] in [0, S] (local_p) or [0, S - 1] (local_m); mask [B, S].
  torch::Tensor aligned_position(const AttentionQuery& query, const torch::Tensor& mask);

 private:
  std::shared_ptr<Attention> scorer_;
  Alignment alignment_;
  int64_t window_;
  Linear position_proj_{nullptr}, position_v_{nullptr};  // W_p, v_p (local_p)
};

}  // namespace nmt
