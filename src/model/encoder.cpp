#include "model/encoder.h"

#include "common/config.h"
#include "model/token_embedding.h"

namespace nmt {

RnnEncoder::RnnEncoder(const EncoderConfig& config, const EncoderShape& shape) {
  embedding_ =
      part_embedding(*this, shape.shared_embedding, shape.vocab_size, config.embedding_dim);
  dropout_ = register_module("dropout", Dropout(config.dropout));
  rnn_ = register_module(
      "rnn", Rnn(RnnOptions{config.rnn, config.embedding_dim, config.hidden, config.layers,
                            config.bidirectional, config.layers > 1 ? config.dropout : 0.0,
                            "model.encoder.rnn"}));
}

int64_t RnnEncoder::output_dim() const {
  return rnn_->options().hidden * (rnn_->options().bidirectional ? 2 : 1);
}

EncoderOutput RnnEncoder::forward(const torch::Tensor& src, const torch::Tensor& lengths) {
  const auto embedded = dropout_(embedding_(src));                 // [B, S, E]
  auto [states, final] = rnn_->forward_padded(embedded, lengths);  // [B, S, Dv]
  // The top layer's last forward state and, if bidirectional, its last backward state
  // (the one that has read the whole sentence from the right).
  const int64_t directions = rnn_->options().bidirectional ? 2 : 1;
  const auto top = final.slice(/*dim=*/0, final.size(0) - directions);     // [dirs, B, H]
  const auto summary = top.permute({1, 0, 2}).reshape({src.size(0), -1});  // [B, Dv]
  const auto positions = torch::arange(src.size(1), lengths.options()).unsqueeze(0);
  return {states, positions < lengths.unsqueeze(1), summary};  // mask [B, S]
}

}  // namespace nmt
