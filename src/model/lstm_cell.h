// The long short-term memory cell (Hochreiter and Schmidhuber 1997, with a forget gate) with
// LibTorch's gate order i, f, g, o over g = W_ih x + b_ih + W_hh h + b_hh:
//   c' = σ(g_f) ⊙ c + σ(g_i) ⊙ tanh(g_g),  h' = σ(g_o) ⊙ tanh(c')
#pragma once

#include "model/recurrent_cell.h"

namespace nmt {

class LstmCell : public RecurrentCell {
 public:
  int64_t gates() const override { return 4; }
  bool has_memory() const override { return true; }
  std::shared_ptr<torch::nn::Module> make_parameters(const RnnOptions& options) const override;
  torch::Tensor run_fused(const torch::Tensor& input, const std::vector<torch::Tensor>& weights,
                          bool training) const override;
  std::pair<torch::Tensor, torch::Tensor> update(const torch::Tensor& from_input,
                                                 const torch::Tensor& from_state,
                                                 const torch::Tensor& h,
                                                 const torch::Tensor& c) const override;
};

}  // namespace nmt
