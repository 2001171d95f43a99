// A stacked, optionally bidirectional GRU or LSTM behind one interface, so encoder and
// decoder code does not branch on the cell type.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/rnn.h>
#include <torch/types.h>

#include <string>

namespace nmt {

/// Recurrent state: h (and c for LSTM), each [layers * directions, B, H].
struct RnnState {
  torch::Tensor h, c;
  bool defined() const { return h.defined(); }
  RnnState index_select(const torch::Tensor& rows) const;  // rows of the batch dimension
};

struct RnnOptions {
  std::string cell = "gru";  // gru | lstm
  int64_t input = 0, hidden = 0, layers = 1;
  bool bidirectional = false;
  double dropout = 0;  // between layers
};

class RnnImpl : public torch::nn::Module {
 public:
  explicit RnnImpl(const RnnOptions& options);

  /// input [B, T, I], state (undefined: zeros) -> outputs [B, T, H * directions], new state.
  std::pair<torch::Tensor, RnnState> forward(const torch::Tensor& input, const RnnState& state);

  /// As forward() from a zero state, with each row read only up to lengths[b] ([B] int64):
  /// outputs past a row's length are 0, and the final state is the one at its last real step.
  std::pair<torch::Tensor, RnnState> forward_padded(const torch::Tensor& input,
                                                    const torch::Tensor& lengths);

  const RnnOptions& options() const { return options_; }

 private:
  RnnOptions options_;
  torch::nn::GRU gru_{nullptr};
  torch::nn::LSTM lstm_{nullptr};
};
TORCH_MODULE(Rnn);

}  // namespace nmt
