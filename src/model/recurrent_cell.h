// The recurrent cells of the RNN layers (model.encoder.rnn, model.decoder.rnn) behind one
// interface, mapped from their config names as attention types are: a new cell is its own
// .h/.cpp pair plus one line in recurrent_cell.cpp. Each keeps LibTorch's parameter layout, so
// checkpoints name a GRU's weights as torch::nn::GRU does ("gru.weight_ih_l0", ...).
#pragma once

#include <torch/nn/module.h>
#include <torch/types.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nmt {

struct RnnOptions;

class RecurrentCell {
 public:
  virtual ~RecurrentCell() = default;

  /// Gate blocks of the projections: W_ih and W_hh have gates() * H rows.
  virtual int64_t gates() const = 0;

  /// Whether the state carries a memory c beside h (an LSTM's).
  virtual bool has_memory() const = 0;

  /// A module holding every layer's and direction's parameters, named as LibTorch names them
  /// ("weight_ih_l0", "bias_hh_l1_reverse", ...), initialised as LibTorch initialises them.
  virtual std::shared_ptr<torch::nn::Module> make_parameters(const RnnOptions& options) const = 0;

  /// One direction of one layer over a padded batch `input` [B, T, I] from a zero state, with
  /// LibTorch's fused kernel; `weights`: w_ih, w_hh, b_ih, b_hh. Returns the outputs [B, T, H].
  virtual torch::Tensor run_fused(const torch::Tensor& input,
                                  const std::vector<torch::Tensor>& weights,
                                  bool training) const = 0;

  /// One step: the new (h, c) from the gates' input projection W_ih x + b_ih and state
  /// projection W_hh h + b_hh, each [B, gates() * H] (c: undefined without a memory).
  virtual std::pair<torch::Tensor, torch::Tensor> update(const torch::Tensor& from_input,
                                                         const torch::Tensor& from_state,
                                                         const torch::Tensor& h,
                                                         const torch::Tensor& c) const = 0;
};

/// The registered cell names, in registration order.
std::vector<std::string> recurrent_cell_types();

/// The cell named `name`; throws ConfigKeyError naming `key` (the config key it came from) and
/// the known names if there is none.
const RecurrentCell& recurrent_cell(const std::string& name, const std::string& key);

}  // namespace nmt
