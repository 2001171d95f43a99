#include "decode/ensemble_scorer.h"

#include <torch/torch.h>

#include <string>

#include "common/errors.h"

namespace nmt {

EnsembleScorer::EnsembleScorer(std::vector<std::unique_ptr<Scorer>> members)
    : members_(std::move(members)) {
  if (members_.empty()) throw Error("ensemble: no models");
  for (const auto& m : members_) {
    if (m->device() != members_.front()->device()) {
      throw Error("ensemble: the models are on different devices (" +
                  members_.front()->device().str() + " and " + m->device().str() + ")");
    }
  }
}

void EnsembleScorer::start(const torch::Tensor& src, const torch::Tensor& src_lengths) {
  for (auto& m : members_) m->start(src, src_lengths);
}

torch::Tensor log_mean_exp(const torch::Tensor& log_probs) {
  // Not logsumexp - log N: in float that adds and subtracts log N and can move equal members'
  // values by an ulp. Here every exp is <= 1, one of them 1, so the mean is >= 1/N and equal
  // members give exp(0) = 1 and log(1) = 0 exactly.
  const auto top = std::get<0>(log_probs.max(/*dim=*/0));
  const auto shift = top.masked_fill(torch::isinf(top), 0);  // all -inf stays -inf
  return shift + (log_probs - shift).exp().mean(/*dim=*/0).log();
}

ScorerStep EnsembleScorer::step(const torch::Tensor& prev, int64_t t) {
  std::vector<torch::Tensor> log_probs, attention;
  torch::Tensor vocabulary;  // the members share one shortlist, or none
  for (size_t i = 0; i < members_.size(); ++i) {
    auto s = members_[i]->step(prev, t);
    vocabulary = s.vocabulary;
    if (i > 0 && s.log_probs.size(1) != log_probs.front().size(1)) {
      throw Error("ensemble: model " + std::to_string(i + 1) + " scores " +
                  std::to_string(s.log_probs.size(1)) + " target pieces, model 1 " +
                  std::to_string(log_probs.front().size(1)) +
                  " (an ensemble shares one target "
                  "vocabulary)");
    }
    log_probs.push_back(std::move(s.log_probs));
    attention.push_back(std::move(s.attention));
  }
  return {log_mean_exp(torch::stack(log_probs)), torch::stack(attention).mean(/*dim=*/0),
          vocabulary};
}

void EnsembleScorer::reorder(const torch::Tensor& rows) {
  for (auto& m : members_) m->reorder(rows);
}

torch::Device EnsembleScorer::device() const { return members_.front()->device(); }

}  // namespace nmt
