#include "model/rnn.h"

#include <torch/torch.h>

#include "common/int8_matmuls.h"
#include "model/cpu_autocast.h"
#include "model/dropout.h"

namespace nmt {

RnnState RnnState::index_select(const torch::Tensor& rows) const {
  return {h.index_select(1, rows), c.defined() ? c.index_select(1, rows) : c};
}

RnnImpl::RnnImpl(const RnnOptions& options)
    : options_(options), cell_(recurrent_cell(options.cell, options.cell_key)) {
  weights_ = register_module(options.cell, cell_.make_parameters(options));
}

// One lookup of a layer's parameters, named as LibTorch's GRU/LSTM name them
// (e.g. "weight_ih_l0_reverse").
RnnImpl::LayerWeights RnnImpl::layer_weights(int64_t layer, bool reverse) {
  const auto params = weights_->named_parameters(/*recurse=*/false);
  const auto suffix = "_l" + std::to_string(layer) + (reverse ? "_reverse" : "");
  return {params["weight_ih" + suffix], params["weight_hh" + suffix], params["bias_ih" + suffix],
          params["bias_hh" + suffix]};
}

// One direction of one layer over the whole padded batch [B, T, I], from a zero state.
torch::Tensor RnnImpl::run_direction(const torch::Tensor& input, int64_t layer, bool reverse) {
  const auto w = layer_weights(layer, reverse);
  if (int8_active()) return run_direction_in_steps(input, w);
  return cell_.run_fused(input, {w.w_ih, w.w_hh, w.b_ih, w.b_hh}, is_training());
}

// run_direction() with LibTorch's fused RNN replaced by nmt::linear and the cell's update, so that
// int8 covers the encoder: the input projection of all positions in one matmul, then one matmul of
// the state per position.
torch::Tensor RnnImpl::run_direction_in_steps(const torch::Tensor& input, const LayerWeights& w) {
  const auto projected = nmt::linear(input, w.w_ih, w.b_ih);  // [B, T, G * H]
  auto h = torch::zeros({input.size(0), options_.hidden}, input.options());
  auto c = cell_.has_memory() ? h : torch::Tensor();
  std::vector<torch::Tensor> outputs;
  for (int64_t t = 0; t < input.size(1); ++t) {
    std::tie(h, c) = cell_.update(projected.select(1, t), nmt::linear(h, w.w_hh, w.b_hh), h, c);
    outputs.push_back(h);
  }
  return torch::stack(outputs, /*dim=*/1);  // [B, T, H]
}

std::pair<torch::Tensor, torch::Tensor> RnnImpl::forward_padded(const torch::Tensor& input,
                                                                const torch::Tensor& lengths) {
  const auto positions = torch::arange(input.size(1), lengths.options()).unsqueeze(0);  // [1, T]
  const auto last = (lengths - 1).unsqueeze(1);                                         // [B, 1]
  const auto real = positions <= last;                                                  // [B, T]
  // Position s of row b <-> position len_b - 1 - s; padding stays in place. Its own inverse.
  const auto order = torch::where(real, last - positions, positions).unsqueeze(2);  // [B, T, 1]
  const auto reversed = [&](const torch::Tensor& x) { return x.gather(1, order.expand_as(x)); };
  const auto last_index = last.unsqueeze(2).expand({-1, -1, options_.hidden});  // [B, 1, H]

  auto x = input;
  std::vector<torch::Tensor> finals;
  for (int64_t layer = 0; layer < options_.layers; ++layer) {
    if (layer > 0) x = apply_dropout(x, options_.dropout, is_training());
    const auto forward = run_direction(x, layer, /*reverse=*/false);  // [B, T, H]
    finals.push_back(forward.gather(1, last_index).squeeze(1));       // [B, H] at len_b - 1
    if (!options_.bidirectional) {
      x = forward;
      continue;
    }
    const auto backward = reversed(run_direction(reversed(x), layer, /*reverse=*/true));
    finals.push_back(backward.select(1, 0));  // [B, H]: it has read the row back to position 0
    x = torch::cat({forward, backward}, /*dim=*/2);
  }
  return {x * real.unsqueeze(2).to(x.scalar_type()), torch::stack(finals)};
}

torch::Tensor RnnImpl::project_input(const torch::Tensor& x, int64_t first) {
  const auto w = layer_weights(0);
  const auto part = autocast_parameter(w.w_ih).narrow(/*dim=*/1, first, x.size(-1));
  return first == 0 ? nmt::linear(x, part, w.b_ih) : nmt::linear(x, part);
}

std::pair<torch::Tensor, RnnState> RnnImpl::step(const torch::Tensor& projected,
                                                 const RnnState& state) {
  std::vector<torch::Tensor> hs, cs;
  torch::Tensor out;
  for (int64_t layer = 0; layer < options_.layers; ++layer) {
    const auto w = layer_weights(layer);
    const auto from_input =
        layer == 0
            ? projected
            : nmt::linear(apply_dropout(out, options_.dropout, is_training()), w.w_ih, w.b_ih);
    const auto h = state.h[layer];
    auto [next_h, next_c] = cell_.update(from_input, nmt::linear(h, w.w_hh, w.b_hh), h,
                                         cell_.has_memory() ? state.c[layer] : torch::Tensor());
    out = next_h;
    hs.push_back(next_h);
    if (cell_.has_memory()) cs.push_back(next_c);
  }
  return {out, {torch::stack(hs), cs.empty() ? torch::Tensor() : torch::stack(cs)}};
}

}  // namespace nmt
