// Several models as one search scorer: every member keeps its own rows (decoder state and
// attention memory) and the ensemble's next-token distribution is the mean of the members'
// probabilities (as in Marian and fairseq), its attention the mean of their attention.
#pragma once

#include <memory>
#include <vector>

#include "decode/scorer.h"

namespace nmt {

class EnsembleScorer : public Scorer {
 public:
  /// Throws Error if there are no members or their devices differ.
  explicit EnsembleScorer(std::vector<std::unique_ptr<Scorer>> members);

  void start(const torch::Tensor& src, const torch::Tensor& src_lengths) override;
  /// log(1/N sum_i p_i) per token; throws Error if the members' vocabulary sizes differ.
  ScorerStep step(const torch::Tensor& prev, int64_t t) override;
  void reorder(const torch::Tensor& rows) override;
  torch::Device device() const override;

 private:
  std::vector<std::unique_ptr<Scorer>> members_;
};

/// log(1/N sum_i exp(log_probs_i)) over the first dimension of `log_probs` [N, ...]. Computed
/// around the largest member so that N equal members give their own values bit for bit.
torch::Tensor log_mean_exp(const torch::Tensor& log_probs);

}  // namespace nmt
