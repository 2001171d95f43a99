// What search asks of a model, so that greedy and beam search do not know whether one model or
// an ensemble scores their hypotheses: a batch of rows (one per hypothesis), each with its own
// decoder state, that step together and are reordered together.
#pragma once

#include <torch/types.h>

#include <cstdint>

namespace nmt {

struct ScorerStep {
  torch::Tensor log_probs;   // [R, V] float, normalised over the target vocabulary, unmasked
  torch::Tensor attention;   // [R, S] float weights over the source positions
  torch::Tensor vocabulary;  // [V] int64 target id of each log_probs column, for a shortlist
                             // (decode/shortlist.h); undefined: column = target id, all of them
};

/// Callers hold no gradients and put the models in eval() first (as search() asks).
class Scorer {
 public:
  virtual ~Scorer() = default;
  /// Encodes src [B, S] int64 (lengths [B]): one row per sentence, replacing any earlier batch.
  virtual void start(const torch::Tensor& src, const torch::Tensor& src_lengths) = 0;
  /// One step of every row from its previous output `prev` [R] int64 (<s> at step t = 0);
  /// advances the rows' state.
  virtual ScorerStep step(const torch::Tensor& prev, int64_t t) = 0;
  /// Keeps rows `rows` ([R'] int64, repeats allowed) of all state, in that order.
  virtual void reorder(const torch::Tensor& rows) = 0;
  /// Where src must be.
  virtual torch::Device device() const = 0;
};

}  // namespace nmt
