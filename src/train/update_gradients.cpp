#include "train/update_gradients.h"

#include <torch/torch.h>

#include "data/batch.h"
#include "data/vocab.h"
#include "model/seq2seq.h"
#include "train/loss.h"

namespace nmt {

UpdateLoss backward_update(Seq2SeqImpl& model, const std::vector<Batch>& batches,
                           double label_smoothing) {
  UpdateLoss out;
  for (const auto& b : batches) out.tokens += b.trg_tokens;
  for (const auto& b : batches) {
    const auto logits = model.forward(b.src, b.src_lengths, b.trg_in).logits;
    const auto loss = label_smoothed_loss(logits, b.trg_out, label_smoothing);
    auto objective = loss.loss;
    const auto reinforce = model.decoder()->policy_loss(loss.token_nll, b.trg_out.ne(kPadId));
    if (reinforce.loss.defined()) {
      objective = objective + reinforce.loss;
      const double share = static_cast<double>(b.trg_tokens) / static_cast<double>(out.tokens);
      if (!out.policy) out.policy.emplace();
      out.policy->reward += share * reinforce.reward;
      out.policy->baseline += share * reinforce.baseline;
      out.policy->entropy += share * reinforce.entropy;
    }
    (objective / static_cast<double>(out.tokens)).backward();
    out.loss_sum += loss.loss.item<double>();
  }
  return out;
}

}  // namespace nmt
