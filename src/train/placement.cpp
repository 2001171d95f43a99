#include "train/placement.h"

#include "model/device.h"

namespace nmt {

torch::Device training_device(const std::string& device, int cuda_device) {
  const bool other_gpu = device == "cuda" && cuda_device > 0;
  return resolve_device(other_gpu ? "cuda:" + std::to_string(cuda_device) : device, "device");
}

std::vector<int64_t> share_of(const std::vector<int64_t>& pairs, int rank, int world) {
  std::vector<int64_t> share;
  for (size_t i = static_cast<size_t>(rank); i < pairs.size(); i += static_cast<size_t>(world)) {
    share.push_back(pairs[i]);
  }
  return share;
}

}  // namespace nmt
