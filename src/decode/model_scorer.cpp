#include "decode/model_scorer.h"

#include <torch/torch.h>

#include "model/device.h"
#include "model/seq2seq.h"

namespace nmt {

ModelScorer::ModelScorer(Seq2SeqImpl& model) : model_(model), decoder_(model.decoder()) {}

void ModelScorer::start(const torch::Tensor& src, const torch::Tensor& src_lengths) {
  const auto encoded = model_.encode(src, src_lengths);
  memory_ = decoder_->prepare(encoded);
  state_ = decoder_->initial_state(encoded);
}

ScorerStep ModelScorer::step(const torch::Tensor& prev, int64_t t) {
  const auto out = decoder_->step(prev, state_, memory_, t);
  // Under bf16 autocast the logits and weights come out in bf16: the search works in fp32.
  return {torch::log_softmax(decoder_->logits(out.output).to(torch::kFloat), /*dim=*/-1),
          out.attended.weights.to(torch::kFloat)};
}

void ModelScorer::reorder(const torch::Tensor& rows) {
  state_ = state_.index_select(rows);
  memory_ = memory_.index_select(rows);
}

torch::Device ModelScorer::device() const { return device_of(model_); }

}  // namespace nmt
