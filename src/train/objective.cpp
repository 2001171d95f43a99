#include "train/objective.h"

#include <ATen/autocast_mode.h>
#include <torch/torch.h>
#include <torch/version.h>

#include "data/batch.h"
#include "data/vocab.h"
#include "model/seq2seq.h"

namespace nmt {
namespace {

// LibTorch 2.4 replaced the CPU-specific autocast calls (kept, deprecated) by per-device ones.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool cpu_autocast_enabled() { return at::autocast::is_autocast_enabled(at::kCPU); }
at::ScalarType cpu_autocast_dtype() { return at::autocast::get_autocast_dtype(at::kCPU); }
void set_cpu_autocast(bool on, at::ScalarType dtype) {
  at::autocast::set_autocast_enabled(at::kCPU, on);
  at::autocast::set_autocast_dtype(at::kCPU, dtype);
}
#else
bool cpu_autocast_enabled() { return at::autocast::is_cpu_enabled(); }
at::ScalarType cpu_autocast_dtype() { return at::autocast::get_autocast_cpu_dtype(); }
void set_cpu_autocast(bool on, at::ScalarType dtype) {
  at::autocast::set_cpu_enabled(on);
  at::autocast::set_autocast_cpu_dtype(dtype);
}
#endif

// LibTorch's CPU autocast for one forward pass: the matmuls it lists run in bf16, on bf16 copies
// of the fp32 weights cached until the outermost guard ends. Its state is per thread.
class CpuBf16Autocast {
 public:
  explicit CpuBf16Autocast(bool on) : on_(on) {
    if (!on_) return;
    was_enabled_ = cpu_autocast_enabled();
    was_dtype_ = cpu_autocast_dtype();
    set_cpu_autocast(true, at::kBFloat16);
    at::autocast::increment_nesting();
  }
  ~CpuBf16Autocast() {
    if (!on_) return;
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    set_cpu_autocast(was_enabled_, was_dtype_);
  }
  CpuBf16Autocast(const CpuBf16Autocast&) = delete;
  CpuBf16Autocast& operator=(const CpuBf16Autocast&) = delete;

 private:
  bool on_, was_enabled_ = false;
  at::ScalarType was_dtype_ = at::kBFloat16;
};

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
