#include "train/optimizer.h"

#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>

#include <functional>

#include "common/config.h"
#include "common/registry.h"

namespace nmt {
namespace {

using MakeOptimizer = std::function<std::unique_ptr<torch::optim::Optimizer>(
    const TrainConfig&, const std::vector<torch::Tensor>&)>;

const Registry<MakeOptimizer>& optimizer_registry() {
  static const Registry<MakeOptimizer> entries = [] {
    Registry<MakeOptimizer> r("train.optimizer");
    using C = const TrainConfig&;
    using P = const std::vector<torch::Tensor>&;
    r.add("adam", [](C c, P p) {
      return std::make_unique<torch::optim::Adam>(p, torch::optim::AdamOptions(c.lr)
                                                         .betas({c.adam_beta1, c.adam_beta2})
                                                         .eps(c.adam_eps)
                                                         .weight_decay(c.weight_decay));
    });
    r.add("adamw", [](C c, P p) {
      return std::make_unique<torch::optim::AdamW>(p, torch::optim::AdamWOptions(c.lr)
                                                          .betas({c.adam_beta1, c.adam_beta2})
                                                          .eps(c.adam_eps)
                                                          .weight_decay(c.weight_decay));
    });
    return r;
  }();
  return entries;
}

}  // namespace

std::unique_ptr<torch::optim::Optimizer> make_optimizer(
    const TrainConfig& config, const std::vector<torch::Tensor>& parameters) {
  return optimizer_registry().at(config.optimizer)(config, parameters);
}

std::vector<std::string> optimizer_names() { return optimizer_registry().names(); }

void set_learning_rate(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

}  // namespace nmt
