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

// The terms besides the label-smoothed loss: a stochastic attention's REINFORCE term (its
// reward is the detached token loss) and the weighted coverage loss.
struct OtherTerms {
  torch::Tensor value;  // their weighted sum; undefined if there are none
  PolicyLoss policy;
  torch::Tensor coverage;
};

OtherTerms other_terms(Seq2SeqImpl& model, const DecoderOutput& decoded,
                       const torch::Tensor& token_nll, const torch::Tensor& trg_out,
                       const ObjectiveWeights& terms) {
  const auto target_mask = trg_out.ne(kPadId);
  OtherTerms other;
  other.policy = model.decoder().policy_loss(decoded.policy, token_nll, target_mask);
  if (other.policy.loss.defined()) other.value = other.policy.loss;
  if (terms.coverage > 0) {
    other.coverage = coverage_loss(at_least_fp32(decoded.weights), target_mask);
    const auto weighted = terms.coverage * other.coverage;
    other.value = other.value.defined() ? other.value + weighted : weighted;
  }
  return other;
}

}  // namespace

Objective training_objective(Seq2SeqImpl& model, const Batch& batch,
                             const ObjectiveWeights& terms) {
  const auto decoded = model.forward_outputs(batch.src, batch.src_lengths, batch.trg_in);
  Objective objective;
  objective.loss = label_smoothed_loss(at_least_fp32(model.logits(decoded.outputs)), batch.trg_out,
                                       terms.label_smoothing);
  auto other = other_terms(model, decoded, objective.loss.token_nll, batch.trg_out, terms);
  objective.value = other.value.defined() ? objective.loss.loss + other.value : objective.loss.loss;
  objective.policy = std::move(other.policy);
  objective.coverage = std::move(other.coverage);
  return objective;
}

TokenLoss sharded_loss(Seq2SeqImpl& model, const torch::Tensor& outputs,
                       const torch::Tensor& targets, double smoothing, int64_t shard_tokens,
                       const std::function<void(const TokenLoss&)>& each_shard,
                       Precision precision) {
  const auto flat_outputs = outputs.reshape({-1, outputs.size(-1)});  // [B*T, H]
  const auto flat_targets = targets.reshape({-1});                    // [B*T]
  const auto real = flat_targets.ne(kPadId).nonzero().squeeze(1);     // [N] positions
  auto token_nll = torch::zeros(flat_targets.sizes(), outputs.options().dtype(torch::kFloat));
  double loss_sum = 0, nll_sum = 0;
  for (int64_t start = 0; start < real.size(0); start += shard_tokens) {
    const auto rows = real.narrow(0, start, std::min(shard_tokens, real.size(0) - start));
    const TokenLoss shard = [&] {
      const CpuBf16Autocast autocast(precision == Precision::bf16);
      const auto logits = model.logits(flat_outputs.index_select(0, rows));  // [rows, V]
      return label_smoothed_loss(at_least_fp32(logits), flat_targets.index_select(0, rows),
                                 smoothing);
    }();
    if (each_shard) each_shard(shard);
    loss_sum += shard.loss.item<double>();
    nll_sum += shard.nll.item<double>();
    token_nll.index_copy_(0, rows, shard.token_nll.detach());
  }
  const auto scalar = [&](double v) { return torch::scalar_tensor(v, torch::kDouble); };
  return {scalar(loss_sum), scalar(nll_sum), real.size(0), token_nll.view_as(targets)};
}

UpdateLoss backward_update(Seq2SeqImpl& model, const std::vector<Batch>& batches,
                           const ObjectiveWeights& terms, int64_t normaliser, Precision precision,
                           int64_t shard_tokens) {
  const double scale = 1.0 / static_cast<double>(normaliser);
  UpdateLoss out;
  for (const auto& b : batches) {
    const auto decoded = [&] {
      const CpuBf16Autocast autocast(precision == Precision::bf16);
      return model.forward_outputs(b.src, b.src_lengths, b.trg_in);
    }();
    // The graph is cut at the attentional vectors: each shard's backward pass leaves its share
    // of their gradient there, and one backward pass from them and the other terms finishes.
    const auto outputs = decoded.outputs.detach().requires_grad_();
    const auto loss = sharded_loss(
        model, outputs, b.trg_out, terms.label_smoothing, shard_tokens,
        [&](const TokenLoss& shard) { (shard.loss * scale).backward(); }, precision);
    const auto other = [&] {
      const CpuBf16Autocast autocast(precision == Precision::bf16);
      return other_terms(model, decoded, loss.token_nll, b.trg_out, terms);
    }();
    std::vector<torch::Tensor> roots{decoded.outputs};
    std::vector<torch::Tensor> grads{outputs.grad().defined() ? outputs.grad()
                                                              : torch::zeros_like(outputs)};
    if (other.value.defined()) {
      roots.push_back(other.value * scale);
      grads.push_back(torch::ones_like(other.value));
    }
    torch::autograd::backward(roots, grads);

    out.loss_sum += loss.loss.item<double>();
    out.tokens += b.trg_tokens;
    if (other.coverage.defined()) {
      out.coverage_sum = out.coverage_sum.value_or(0) + other.coverage.item<double>();
    }
    if (other.policy.loss.defined()) {
      const auto weight = static_cast<double>(b.trg_tokens);
      if (!out.policy) out.policy.emplace();
      out.policy->reward += weight * other.policy.reward;
      out.policy->baseline += weight * other.policy.baseline;
      out.policy->entropy += weight * other.policy.entropy;
    }
  }
  return out;
}

}  // namespace nmt
