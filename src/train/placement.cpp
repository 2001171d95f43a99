#include "train/placement.h"

#include <torch/cuda.h>

#include "common/errors.h"

namespace nmt {

torch::Device training_device(const std::string& device, int cuda_device) {
  if (device == "cuda" && !torch::cuda::is_available()) {
    throw ConfigError(
        "device: cuda is not available: this LibTorch has no CUDA support or "
        "sees no GPU (Debian's libtorch is CPU-only; build against an official "
        "CUDA LibTorch through CMAKE_PREFIX_PATH)");
  }
  if (device == "cpu") return torch::Device(torch::kCPU);
  if (cuda_device >= static_cast<int>(torch::cuda::device_count())) {
    throw ConfigError("device: cuda: this worker's GPU cuda:" + std::to_string(cuda_device) +
                      " does not exist (" + std::to_string(torch::cuda::device_count()) +
                      " GPUs seen): start at most as many workers per machine as it has GPUs");
  }
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(cuda_device));
}

std::vector<int64_t> share_of(const std::vector<int64_t>& pairs, int rank, int world) {
  std::vector<int64_t> share;
  for (size_t i = static_cast<size_t>(rank); i < pairs.size(); i += static_cast<size_t>(world)) {
    share.push_back(pairs[i]);
  }
  return share;
}

}  // namespace nmt
