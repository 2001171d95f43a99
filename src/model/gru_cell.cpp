#include "model/gru_cell.h"

#include <torch/torch.h>

#include "model/rnn.h"

namespace nmt {

std::shared_ptr<torch::nn::Module> GruCell::make_parameters(const RnnOptions& options) const {
  return torch::nn::GRU(torch::nn::GRUOptions(options.input, options.hidden)
                            .num_layers(options.layers)
                            .bidirectional(options.bidirectional)
                            .batch_first(true))
      .ptr();
}

torch::Tensor GruCell::run_fused(const torch::Tensor& input,
                                 const std::vector<torch::Tensor>& weights, bool training) const {
  const auto zeros = torch::zeros({1, input.size(0), weights[1].size(1)}, input.options());
  return std::get<0>(torch::gru(input, zeros, weights, /*has_biases=*/true, /*num_layers=*/1,
                                /*dropout=*/0.0, training, /*bidirectional=*/false,
                                /*batch_first=*/true));
}

std::pair<torch::Tensor, torch::Tensor> GruCell::update(const torch::Tensor& from_input,
                                                        const torch::Tensor& from_state,
                                                        const torch::Tensor& h,
                                                        const torch::Tensor& c) const {
  const auto i = from_input.chunk(3, 1), s = from_state.chunk(3, 1);
  const auto reset = torch::sigmoid(i[0] + s[0]), update = torch::sigmoid(i[1] + s[1]);
  const auto candidate = torch::tanh(i[2] + reset * s[2]);
  return {candidate + update * (h - candidate), c};  // (1 - z) n + z h
}

}  // namespace nmt
