// Test support for comparing trained models: the parameters stored in a checkpoint of a model
// on the tiny reverse corpus (train_fixtures.h), and how far two such sets differ.
#pragma once

#include <torch/torch.h>

#include <algorithm>
#include <map>
#include <string>

#include "common/config.h"
#include "model/checkpoint.h"
#include "model/seq2seq.h"

namespace nmt::test {

/// The parameters and buffers of `checkpoint`, by name.
inline std::map<std::string, torch::Tensor> parameters_at(const std::string& checkpoint) {
  const auto config = parse_config(checkpoint_config(checkpoint), checkpoint);
  Seq2Seq model(config.model, 24, 24);
  load_checkpoint(checkpoint, *model, nullptr);
  std::map<std::string, torch::Tensor> out;
  for (const auto& p : model->named_parameters()) out[p.key()] = p.value().clone();
  for (const auto& b : model->named_buffers()) out[b.key()] = b.value().clone();
  return out;
}

/// The largest element-wise difference between two parameter sets of one architecture.
inline double max_difference(const std::map<std::string, torch::Tensor>& a,
                             const std::map<std::string, torch::Tensor>& b) {
  double out = 0;
  for (const auto& [name, tensor] : a) {
    out = std::max(out, (tensor - b.at(name)).abs().max().item<double>());
  }
  return out;
}

}  // namespace nmt::test
