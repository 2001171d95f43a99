// Encoders turn source ids into the states the decoder's attention reads. RnnEncoder:
// embeddings, dropout, and a stacked (bi)GRU/LSTM read with padding respected. A new encoder is
// one file plus one line in model/architectures.cpp.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/types.h>

#include <memory>

#include "model/dropout.h"
#include "model/rnn.h"

namespace nmt {

struct EncoderConfig;

struct EncoderOutput {
  torch::Tensor states;   // [B, S, Dv]
  torch::Tensor mask;     // [B, S] bool, true = real token
  torch::Tensor summary;  // [B, Dv] the sentence summary the decoder bridge starts from
};

/// What an encoder is built for besides its config.
struct EncoderShape {
  int64_t vocab_size = 0;                          // source vocabulary
  torch::nn::Embedding shared_embedding{nullptr};  // model.shared_embeddings, else undefined
};

class Encoder : public torch::nn::Module {
 public:
  /// src [B, S] int64 padded with kPadId, lengths [B] int64.
  virtual EncoderOutput forward(const torch::Tensor& src, const torch::Tensor& lengths) = 0;
  /// Dv, the size of each state.
  virtual int64_t output_dim() const = 0;
};

class RnnEncoder : public Encoder {
 public:
  RnnEncoder(const EncoderConfig& config, const EncoderShape& shape);
  EncoderOutput forward(const torch::Tensor& src, const torch::Tensor& lengths) override;
  int64_t output_dim() const override;

 private:
  torch::nn::Embedding embedding_{nullptr};
  Dropout dropout_{nullptr};
  Rnn rnn_{nullptr};
};

}  // namespace nmt
