#include "model/rnn.h"

#include <torch/nn/utils/rnn.h>

#include "common/errors.h"

namespace nmt {

RnnState RnnState::index_select(const torch::Tensor& rows) const {
  return {h.index_select(1, rows), c.defined() ? c.index_select(1, rows) : c};
}

RnnImpl::RnnImpl(const RnnOptions& options) : options_(options) {
  if (options.cell == "gru") {
    gru_ =
        register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(options.input, options.hidden)
                                                  .num_layers(options.layers)
                                                  .dropout(options.dropout)
                                                  .bidirectional(options.bidirectional)
                                                  .batch_first(true)));
  } else if (options.cell == "lstm") {
    lstm_ = register_module("lstm",
                            torch::nn::LSTM(torch::nn::LSTMOptions(options.input, options.hidden)
                                                .num_layers(options.layers)
                                                .dropout(options.dropout)
                                                .bidirectional(options.bidirectional)
                                                .batch_first(true)));
  } else {
    throw ConfigError("rnn: unknown cell '" + options.cell + "' (expected one of: gru, lstm)");
  }
}

std::pair<torch::Tensor, RnnState> RnnImpl::forward(const torch::Tensor& input,
                                                    const RnnState& state) {
  if (gru_) {
    auto [out, h] = gru_->forward(input, state.h);
    return {out, {h, {}}};
  }
  torch::optional<std::tuple<torch::Tensor, torch::Tensor>> hc;
  if (state.defined()) hc = std::make_tuple(state.h, state.c);
  auto [out, final] = lstm_->forward(input, hc);
  return {out, {std::get<0>(final), std::get<1>(final)}};
}

std::pair<torch::Tensor, RnnState> RnnImpl::forward_padded(const torch::Tensor& input,
                                                           const torch::Tensor& lengths) {
  namespace rnn = torch::nn::utils::rnn;
  const auto packed = rnn::pack_padded_sequence(input, lengths.cpu(), /*batch_first=*/true,
                                                /*enforce_sorted=*/false);
  auto pad = [&](const rnn::PackedSequence& packed_out) {
    return std::get<0>(rnn::pad_packed_sequence(packed_out, /*batch_first=*/true,
                                                /*padding_value=*/0.0, input.size(1)));
  };
  if (gru_) {
    auto [packed_out, h] = gru_->forward_with_packed_input(packed);
    return {pad(packed_out), {h, {}}};  // [B, T, H * directions]
  }
  auto [packed_out, final] = lstm_->forward_with_packed_input(packed);
  return {pad(packed_out), {std::get<0>(final), std::get<1>(final)}};
}

}  // namespace nmt
