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
  state_ = decoder_.start(model_.encode(src, src_lengths));
  sentence_of_row_ = torch::arange(src.size(0), src.options().dtype(torch::kLong));
  if (shortlist_ != nullptr) {
    vocabulary_ = shortlist_->vocabulary(src);
    output_weight_ = autocast_parameter(decoder_.output_weight()).index_select(0, vocabulary_);
    int8_output_.reset();
    if (int8_active()) int8_output_.emplace(output_weight_, torch::Tensor());
  }
}

ScorerStep ModelScorer::step(const torch::Tensor& prev, int64_t t) {
  const auto out = decoder_.step(prev, *state_, t);
  const auto logits = int8_output_            ? (*int8_output_)(out.output)
                      : vocabulary_.defined() ? torch::linear(out.output, output_weight_)
                                              : decoder_.logits(out.output);
  // Under bf16 autocast the logits and weights come out in bf16: the search works in fp32.
  return {torch::log_softmax(logits.to(torch::kFloat), /*dim=*/-1), out.weights.to(torch::kFloat),
          vocabulary_};
}

void ModelScorer::reorder(const torch::Tensor& rows) {
  auto sentences = sentence_of_row_.index_select(0, rows);
  state_->reorder(rows, /*sources=*/!sentences.equal(sentence_of_row_));
  sentence_of_row_ = std::move(sentences);
}

torch::Device ModelScorer::device() const { return device_of(model_); }

}  // namespace nmt
