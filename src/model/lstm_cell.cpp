#include "model/lstm_cell.h"

#include <torch/torch.h>

#include "model/rnn.h"

namespace nmt {

std::shared_ptr<torch::nn::Module> LstmCell::make_parameters(const RnnOptions& options) const {
  return torch::nn::LSTM(torch::nn::LSTMOptions(options.input, options.hidden)
                             .num_layers(options.layers)
                             .bidirectional(options.bidirectional)
                             .batch_first(true))
      .ptr();
}

torch::Tensor LstmCell::run_fused(const torch::Tensor& input,
                                  const std::vector<torch::Tensor>& weights, bool training) const {
  const auto zeros = torch::zeros({1, input.size(0), weights[1].size(1)}, input.options());
  return std::get<0>(torch::lstm(input, {zeros, zeros}, weights, /*has_biases=*/true,
                                 /*num_layers=*/1, /*dropout=*/0.0, training,
                                 /*bidirectional=*/false, /*batch_first=*/true));
}

std::pair<torch::Tensor, torch::Tensor> LstmCell::update(const torch::Tensor& from_input,
                                                         const torch::Tensor& from_state,
                                                         const torch::Tensor& h,
                                                         const torch::Tensor& c) const {
  const auto g = (from_input + from_state).chunk(4, 1);
  const auto next_c = torch::sigmoid(g[1]) * c + torch::sigmoid(g[0]) * torch::tanh(g[2]);
  return {torch::sigmoid(g[3]) * torch::tanh(next_c), next_c};
}

}  // namespace nmt
