// A stacked, optionally bidirectional RNN of any registered cell (model/recurrent_cell.h: GRU,
// LSTM), so encoder and decoder code does not branch on the cell type. The encoder runs whole
// padded sequences (forward_padded); the decoder runs one step at a time (step), with the first
// layer's input projection computed by the caller (project_input), so that the part of it that does
// not depend on the recurrence (the target embeddings) is one matmul for all steps.
#pragma once

#include <torch/nn/module.h>
#include <torch/types.h>

#include <string>

#include "model/recurrent_cell.h"

namespace nmt {

/// Recurrent state: h (and c for LSTM), each [layers * directions, B, H].
struct RnnState {
  torch::Tensor h, c;
  bool defined() const { return h.defined(); }
  RnnState index_select(const torch::Tensor& rows) const;  // rows of the batch dimension
};

struct RnnOptions {
  std::string cell = "gru";  // a name in recurrent_cell_types()
  int64_t input = 0, hidden = 0, layers = 1;
  bool bidirectional = false;
  double dropout = 0;                          // between layers
  std::string cell_key = "model.encoder.rnn";  // the config key `cell` came from, for errors
};

class RnnImpl : public torch::nn::Module {
 public:
  explicit RnnImpl(const RnnOptions& options);

  /// input [B, T, I] with row b real up to lengths[b] ([B] int64), from a zero state. Returns
  /// outputs [B, T, H * directions], 0 past a row's length, and the final h [layers *
  /// directions, B, H]: each direction's state after reading the row's real steps. Each
  /// direction runs over the padded batch, the backward one on rows reversed within their
  /// length: the same result as packed sequences, whose backward pass LibTorch's CPU RNN
  /// makes slow.
  std::pair<torch::Tensor, torch::Tensor> forward_padded(const torch::Tensor& input,
                                                         const torch::Tensor& lengths);

  /// Part of the first layer's input projection: W_ih[:, first : first + I] x, plus b_ih when
  /// first == 0, for x [..., I]. The projection of an input [a; b] is project_input(a) +
  /// project_input(b, size of a).
  torch::Tensor project_input(const torch::Tensor& x, int64_t first = 0);

  /// One step of every layer (unidirectional only) from the first layer's projected input
  /// [B, G * H] (G = cell().gates()) and `state`: the top layer's output [B, H] and the
  /// new state.
  std::pair<torch::Tensor, RnnState> step(const torch::Tensor& projected, const RnnState& state);

  const RnnOptions& options() const { return options_; }
  const RecurrentCell& cell() const { return cell_; }

 private:
  struct LayerWeights {
    torch::Tensor w_ih, w_hh, b_ih, b_hh;
  };
  LayerWeights layer_weights(int64_t layer, bool reverse = false);
  torch::Tensor run_direction(const torch::Tensor& input, int64_t layer, bool reverse);
  torch::Tensor run_direction_in_steps(const torch::Tensor& input, const LayerWeights& w);

  RnnOptions options_;
  const RecurrentCell& cell_;
  std::shared_ptr<torch::nn::Module> weights_;  // registered under the cell's name
};
TORCH_MODULE(Rnn);

}  // namespace nmt
