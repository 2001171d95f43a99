#include "model/device.h"

#include <ATen/Context.h>
#include <torch/cuda.h>

#include <mutex>

#include "common/errors.h"

namespace nmt {

torch::Device resolve_device(const std::string& name, const std::string& option) {
  if (name == "cpu") return torch::Device(torch::kCPU);
  const std::string cuda = "cuda";
  const bool cuda_name = name.rfind(cuda, 0) == 0;
  const std::string index = cuda_name && name.size() > cuda.size() && name[cuda.size()] == ':'
                                ? name.substr(cuda.size() + 1)
                                : "";
  const bool well_formed =
      name == cuda || (!index.empty() && index.size() <= 3 &&
                       index.find_first_not_of("0123456789") == std::string::npos);
  if (!well_formed) {
    throw ConfigError(option + ": '" + name + "' is not a device (expected cpu, cuda or cuda:N)");
  }
  if (!torch::cuda::is_available()) {
    throw ConfigError(option + ": " + name +
                      " is not available: this LibTorch has no CUDA support or sees no GPU "
                      "(Debian's libtorch is CPU-only; build against an official CUDA LibTorch "
                      "through CMAKE_PREFIX_PATH)");
  }
  const int gpu = index.empty() ? 0 : std::stoi(index);
  const auto gpus = static_cast<int>(torch::cuda::device_count());
  if (gpu >= gpus) {
    throw ConfigError(option + ": GPU cuda:" + std::to_string(gpu) + " does not exist (" +
                      std::to_string(gpus) + " GPU" + (gpus == 1 ? "" : "s") + " seen)");
  }
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(gpu));
}

torch::Device device_of(const torch::nn::Module& module) {
  const auto parameters = module.parameters();
  return parameters.empty() ? torch::Device(torch::kCPU) : parameters.front().device();
}

torch::Tensor generator_state(const torch::Device& device) {
  auto generator = at::globalContext().defaultGenerator(device);
  std::lock_guard<std::mutex> lock(generator.mutex());
  return generator.get_state();
}

void set_generator_state(const torch::Device& device, const torch::Tensor& state) {
  auto generator = at::globalContext().defaultGenerator(device);
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(state);
}

}  // namespace nmt
