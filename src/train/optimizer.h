// Optimisers, by train.optimizer name (one line each in optimizer.cpp's registry):
//   adam   Adam (Kingma and Ba 2015), train.weight_decay added to the gradients (L2);
//   adamw  Adam with decoupled weight decay (Loshchilov and Hutter 2019): train.weight_decay
//          shrinks the weights directly, as Transformer recipes often use.
// Both take train.adam_beta1, adam_beta2 and adam_eps.
#pragma once

#include <torch/optim/optimizer.h>

#include <memory>
#include <string>
#include <vector>

namespace nmt {

struct TrainConfig;

/// The optimiser `config.optimizer` names over `parameters`, at rate config.lr; throws
/// ConfigKeyError listing the names if unknown.
std::unique_ptr<torch::optim::Optimizer> make_optimizer(
    const TrainConfig& config, const std::vector<torch::Tensor>& parameters);

/// The registered names, in registration order.
std::vector<std::string> optimizer_names();

/// Sets the learning rate of every parameter group of `optimizer`.
void set_learning_rate(torch::optim::Optimizer& optimizer, double lr);

}  // namespace nmt
