#include "train/objective.h"

#include <torch/torch.h>

#include "data/batch.h"
#include "data/vocab.h"
#include "model/cpu_autocast.h"
#include "model/seq2seq.h"

namespace nmt {
namespace {

// bf16 outputs of an autocast forward become fp32 for the loss; fp32 and fp64 stay as they are.
torch::Tensor at_least_fp32(const torch::Tensor& t) {
  return t.defined() && t.scalar_type() == torch::kBFloat16 ? t.to(torch::kFloat) : t;
}

}  // namespace

Objective training_objective(Seq2SeqImpl& model, const Batch& batch,
                             const ObjectiveWeights& terms) {
  const auto out = model.forward(batch.src, batch.src_lengths, batch.trg_in);
  const auto target_mask = batch.trg_out.ne(kPadId);
  Objective objective;
  objective.loss =
      label_smoothed_loss(at_least_fp32(out.logits), batch.trg_out, terms.label_smoothing);
  objective.value = objective.loss.loss;
  objective.policy =
      model.decoder()->policy_loss(out.policy, objective.loss.token_nll, target_mask);
  if (objective.policy.loss.defined()) objective.value = objective.value + objective.policy.loss;
  if (terms.coverage > 0) {
    objective.coverage = coverage_loss(at_least_fp32(out.weights), target_mask);
    objective.value = objective.value + terms.coverage * objective.coverage;
  }
  return objective;
}

UpdateLoss backward_update(Seq2SeqImpl& model, const std::vector<Batch>& batches,
                           const ObjectiveWeights& terms, int64_t normaliser, Precision precision) {
  UpdateLoss out;
  for (const auto& b : batches) {
    const auto objective = [&] {
      CpuBf16Autocast autocast(precision == Precision::bf16);
      return training_objective(model, b, terms);
    }();
    (objective.value / static_cast<double>(normaliser)).backward();
    out.loss_sum += objective.loss.loss.item<double>();
    out.tokens += b.trg_tokens;
    if (objective.coverage.defined()) {
      out.coverage_sum = out.coverage_sum.value_or(0) + objective.coverage.item<double>();
    }
    if (objective.policy.loss.defined()) {
      const auto weight = static_cast<double>(b.trg_tokens);
      if (!out.policy) out.policy.emplace();
      out.policy->reward += weight * objective.policy.reward;
      out.policy->baseline += weight * objective.policy.baseline;
      out.policy->entropy += weight * objective.policy.entropy;
    }
  }
  return out;
}

}  // namespace nmt
