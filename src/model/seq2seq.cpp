#include "model/seq2seq.h"

#include "common/config.h"

namespace nmt {

Seq2SeqImpl::Seq2SeqImpl(const ModelConfig& config, int64_t src_vocab, int64_t trg_vocab) {
  encoder_ = register_module("encoder", make_encoder(config.encoder, src_vocab));
  decoder_ = register_module(
      "decoder", Decoder(config.decoder, config.attention, trg_vocab, encoder_->output_dim()));
}

EncoderOutput Seq2SeqImpl::encode(const torch::Tensor& src, const torch::Tensor& src_lengths) {
  return encoder_->forward(src, src_lengths);
}

Seq2SeqOutput Seq2SeqImpl::forward(const torch::Tensor& src, const torch::Tensor& src_lengths,
                                   const torch::Tensor& trg_in) {
  const auto encoded = encode(src, src_lengths);
  const auto memory = decoder_->prepare(encoded);
  const auto decoded = decoder_->forward(trg_in, decoder_->initial_state(encoded), memory);
  return {decoder_->logits(decoded.outputs), decoded.weights};
}

}  // namespace nmt
