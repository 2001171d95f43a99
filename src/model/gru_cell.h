// The gated recurrent unit (Cho et al. 2014) with LibTorch's gate order r, z, n:
//   r = σ(i_r + s_r), z = σ(i_z + s_z), n = tanh(i_n + r ⊙ s_n), h' = (1 - z) ⊙ n + z ⊙ h
// where i = W_ih x + b_ih and s = W_hh h + b_hh.
#pragma once

#include "model/recurrent_cell.h"

namespace nmt {

class GruCell : public RecurrentCell {
 public:
  int64_t gates() const override { return 3; }
  bool has_memory() const override { return false; }
  std::shared_ptr<torch::nn::Module> make_parameters(const RnnOptions& options) const override;
  torch::Tensor run_fused(const torch::Tensor& input, const std::vector<torch::Tensor>& weights,
                          bool training) const override;
  std::pair<torch::Tensor, torch::Tensor> update(const torch::Tensor& from_input,
                                                 const torch::Tensor& from_state,
                                                 const torch::Tensor& h,
                                                 const torch::Tensor& c) const override;
};

}  // namespace nmt
