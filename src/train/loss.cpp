#include "train/loss.h"

#include <torch/torch.h>

#include "data/vocab.h"

namespace nmt {

TokenLoss label_smoothed_loss(const torch::Tensor& logits, const torch::Tensor& targets,
                              double smoothing) {
  const auto log_probs = torch::log_softmax(logits.reshape({-1, logits.size(-1)}), -1);  // [N, V]
  const auto flat = targets.reshape({-1});                                               // [N]
  const auto real = flat.ne(kPadId);                                                     // [N]
  const auto nll = -log_probs.gather(1, flat.unsqueeze(1)).squeeze(1);                   // [N]
  const auto uniform = -log_probs.mean(-1);                                              // [N]
  const auto per_token = (1.0 - smoothing) * nll + smoothing * uniform;
  return {per_token.masked_select(real).sum(), nll.masked_select(real).sum(),
          real.sum().item<int64_t>(), nll.masked_fill(real.logical_not(), 0).view_as(targets)};
}

}  // namespace nmt
