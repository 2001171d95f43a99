#include "decode/model_scorer.h"

#include <torch/torch.h>

#include "decode/shortlist.h"
#include "model/cpu_autocast.h"
#include "model/device.h"
#include "model/seq2seq.h"

namespace nmt {

ModelScorer::ModelScorer(Seq2SeqImpl& model, const Shortlist* shortlist)
    : model_(model), decoder_(model.decoder()), shortlist_(shortlist) {}

void ModelScorer::start(const torch::Tensor& src, const torch::Tensor& src_lengths) {
  const auto encoded = model_.encode(src, src_lengths);
  memory_ = decoder_->prepare(encoded);
  state_ = decoder_->initial_state(encoded);
  sentence_of_row_ = torch::arange(src.size(0), src.options().dtype(torch::kLong));
  if (shortlist_ != nullptr) {
    vocabulary_ = shortlist_->vocabulary(src);
    output_weight_ = autocast_parameter(decoder_->output_weight()).index_select(0, vocabulary_);
    int8_output_.reset();
    if (int8_active()) int8_output_.emplace(output_weight_, torch::Tensor());
  }
}

ScorerStep ModelScorer::step(const torch::Tensor& prev, int64_t t) {
  const auto out = decoder_->step(prev, state_, memory_, t);
  const auto logits = int8_output_            ? (*int8_output_)(out.output)
                      : vocabulary_.defined() ? torch::linear(out.output, output_weight_)
                                              : decoder_->logits(out.output);
  // Under bf16 autocast the logits and weights come out in bf16: the search works in fp32.
  return {torch::log_softmax(logits.to(torch::kFloat), /*dim=*/-1),
          out.attended.weights.to(torch::kFloat), vocabulary_};
}

void ModelScorer::reorder(const torch::Tensor& rows) {
  state_ = state_.index_select(rows);
  auto sentences = sentence_of_row_.index_select(0, rows);
  if (!sentences.equal(sentence_of_row_)) memory_ = memory_.index_select(rows);
  sentence_of_row_ = std::move(sentences);
}

torch::Device ModelScorer::device() const { return device_of(model_); }

}  // namespace nmt
