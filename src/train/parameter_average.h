// train.ema: an exponential moving average of a model's parameters (Marian's exponential
// smoothing), updated after every optimiser step as average = decay * average + (1 - decay) *
// parameters. Validation scores it and best.ckpt holds it; step checkpoints keep it beside the
// trained parameters for exact resume. It gives much of checkpoint averaging's gain for free.
#pragma once

#include <torch/nn/module.h>

#include <map>
#include <memory>
#include <string>

#include "model/checkpoint.h"

namespace nmt {

class ParameterAverage {
 public:
  /// Starts at `model`'s parameters. `decay` in [0, 1]: 0 follows the parameters, 1 keeps the
  /// first ones; a half-life of h updates is decay 0.5^(1/h).
  ParameterAverage(const torch::nn::Module& model, double decay);

  /// After an optimiser step of `model`.
  void update(const torch::nn::Module& model);

  /// The average by parameter name, for a checkpoint (TrainingProgress::parameter_average).
  const std::map<std::string, torch::Tensor>& state() const { return average_; }
  /// Takes the average of a checkpoint (`path`, for errors); throws DataError if its names or
  /// shapes are not the model's.
  void load_state(const std::map<std::string, torch::Tensor>& state, const std::string& path);

  /// While it lives, `model`'s parameters hold the average; then they are put back.
  class InModel {
   public:
    InModel(const ParameterAverage& average, torch::nn::Module& model);
    ~InModel();
    InModel(const InModel&) = delete;
    InModel& operator=(const InModel&) = delete;

   private:
    torch::nn::Module& model_;
    std::map<std::string, torch::Tensor> trained_;
  };

 private:
  double decay_;
  std::map<std::string, torch::Tensor> average_;
};

/// A run's average (null for decay 0: train.ema off): a resumed checkpoint's (`progress`, read
/// from `resumed_from`), else one that starts at `model`'s parameters (logged for a resumed
/// checkpoint without one). Empties progress.parameter_average: the checkpoints written from
/// here on take the average's, or none.
std::unique_ptr<ParameterAverage> start_parameter_average(const torch::nn::Module& model,
                                                          double decay, TrainingProgress& progress,
                                                          const std::string& resumed_from);

}  // namespace nmt
