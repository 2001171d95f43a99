// One model as a search scorer: its encoder runs once per batch, its decoder one step at a time.
#pragma once

#include <memory>
#include <optional>

#include "common/int8_matmuls.h"
#include "decode/scorer.h"
#include "model/decoder.h"

namespace nmt {

class Seq2SeqImpl;
class Shortlist;

class ModelScorer : public Scorer {
 public:
  /// With a `shortlist` (kept by the caller), each batch scores only its target pieces.
  explicit ModelScorer(Seq2SeqImpl& model, const Shortlist* shortlist = nullptr);

  void start(const torch::Tensor& src, const torch::Tensor& src_lengths) override;
  ScorerStep step(const torch::Tensor& prev, int64_t t) override;
  void reorder(const torch::Tensor& rows) override;
  torch::Device device() const override;

 private:
  Seq2SeqImpl& model_;
  Decoder& decoder_;
  std::unique_ptr<DecoderState> state_;
  // [R] int64 the sentence of the batch each row reads: beam search reorders rows within their
  // sentences most steps, which leaves what the state read of the sources as it is (no copy).
  torch::Tensor sentence_of_row_;
  const Shortlist* shortlist_;
  torch::Tensor vocabulary_;               // [V'] the batch's shortlist, undefined without one
  torch::Tensor output_weight_;            // [V', H] the output layer's rows of those pieces
  std::optional<Int8Linear> int8_output_;  // those rows in int8, under an Int8Scope
};

}  // namespace nmt
