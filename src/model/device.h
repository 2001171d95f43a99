// Where a model runs: the one place that turns a device name ("cpu", "cuda", "cuda:N") into a
// torch::Device, and the random generators that belong to a device.
#pragma once

#include <torch/nn/module.h>
#include <torch/types.h>

#include <string>

namespace nmt {

/// The device named `name`: "cpu", "cuda" (GPU 0) or "cuda:N". `option` is where the name came
/// from ("--device", "device"), for the message. Throws ConfigError for another name, when
/// this LibTorch has no CUDA or sees no GPU, and for a GPU index it does not have.
torch::Device resolve_device(const std::string& name, const std::string& option);

/// The device of `module`'s parameters (the CPU for a module without any).
torch::Device device_of(const torch::nn::Module& module);

/// The state of the default random generator of `device` (the CPU's or that GPU's): dropout
/// and sampling on a GPU draw from the GPU's generator, not the CPU's.
torch::Tensor generator_state(const torch::Device& device);
void set_generator_state(const torch::Device& device, const torch::Tensor& state);

}  // namespace nmt
