#include "train/worker_generators.h"

#include <torch/torch.h>

#include <string>
#include <vector>

#include "model/checkpoint.h"
#include "model/device.h"
#include "train/collective.h"

namespace nmt {
namespace {

// Every rank's `state`, as rank 0 receives them (ranks 1, 2, ...); empty on the other ranks.
std::vector<torch::Tensor> gather_states(Collective& workers, const torch::Tensor& state) {
  const auto bytes = state.contiguous().cpu();
  const auto gathered = workers.gather_text(
      std::string(static_cast<const char*>(bytes.data_ptr()), static_cast<size_t>(bytes.nbytes())));
  std::vector<torch::Tensor> out;
  if (workers.rank() != 0) return out;
  for (size_t r = 1; r < gathered.size(); ++r) {
    const auto& text = gathered[r];
    out.push_back(torch::from_blob(const_cast<char*>(text.data()),
                                   {static_cast<int64_t>(text.size())}, torch::kUInt8)
                      .clone());
  }
  return out;
}

}  // namespace

void gather_worker_generators(Collective& workers, const torch::Device& device,
                              TrainingProgress& progress) {
  progress.worker_rng = gather_states(workers, generator_state(torch::kCPU));
  progress.worker_cuda_rng.clear();
  if (device.is_cuda()) progress.worker_cuda_rng = gather_states(workers, generator_state(device));
}

void restore_worker_generators(const TrainingProgress& progress, int rank, int64_t seed,
                               const torch::Device& device) {
  if (rank == 0) return;
  const auto index = static_cast<size_t>(rank - 1);
  if (index >= progress.worker_rng.size()) {
    torch::manual_seed(static_cast<uint64_t>(seed + rank) * 1000003u +
                       static_cast<uint64_t>(progress.step));
    return;
  }
  set_generator_state(torch::kCPU, progress.worker_rng[index]);
  if (device.is_cuda() && index < progress.worker_cuda_rng.size()) {
    set_generator_state(device, progress.worker_cuda_rng[index]);
  }
}

}  // namespace nmt
