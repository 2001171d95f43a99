#include "train/parameter_average.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include "common/errors.h"

namespace nmt {
namespace {

std::map<std::string, torch::Tensor> copies_of(const torch::nn::Module& model) {
  const torch::NoGradGuard no_grad;
  std::map<std::string, torch::Tensor> copies;
  for (const auto& p : model.named_parameters()) copies[p.key()] = p.value().detach().clone();
  return copies;
}

void copy_into(torch::nn::Module& model, const std::map<std::string, torch::Tensor>& values) {
  const torch::NoGradGuard no_grad;
  for (auto& p : model.named_parameters()) p.value().copy_(values.at(p.key()));
}

}  // namespace

ParameterAverage::ParameterAverage(const torch::nn::Module& model, double decay)
    : decay_(decay), average_(copies_of(model)) {}

void ParameterAverage::update(const torch::nn::Module& model) {
  const torch::NoGradGuard no_grad;
  for (const auto& p : model.named_parameters()) {
    average_.at(p.key()).mul_(decay_).add_(p.value(), 1 - decay_);
  }
}

void ParameterAverage::load_state(const std::map<std::string, torch::Tensor>& state,
                                  const std::string& path) {
  for (const auto& [name, mine] : average_) {
    const auto it = state.find(name);
    if (it == state.end() || !it->second.sizes().equals(mine.sizes())) {
      throw DataError(path + ": its train.ema average has no parameter '" + name +
                      "' of the model's shape");
    }
  }
  if (state.size() != average_.size()) {
    throw DataError(path + ": its train.ema average has parameters the model lacks");
  }
  const torch::NoGradGuard no_grad;
  for (auto& [name, mine] : average_) mine.copy_(state.at(name));
}

ParameterAverage::InModel::InModel(const ParameterAverage& average, torch::nn::Module& model)
    : model_(model), trained_(copies_of(model)) {
  copy_into(model_, average.average_);
}

ParameterAverage::InModel::~InModel() { copy_into(model_, trained_); }

std::unique_ptr<ParameterAverage> start_parameter_average(const torch::nn::Module& model,
                                                          double decay, TrainingProgress& progress,
                                                          const std::string& resumed_from) {
  if (decay == 0) {
    progress.parameter_average.clear();
    return nullptr;
  }
  auto average = std::make_unique<ParameterAverage>(model, decay);
  if (!progress.parameter_average.empty()) {
    average->load_state(progress.parameter_average, resumed_from);
  } else if (!resumed_from.empty()) {
    spdlog::info("[train] {} has no train.ema average: it starts from its parameters",
                 resumed_from);
  }
  progress.parameter_average.clear();
  return average;
}

}  // namespace nmt
