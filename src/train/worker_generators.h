// The random generators of data-parallel workers in a checkpoint: rank 0 keeps every rank's
// states (the CPU's, and the GPU's when training on GPUs), and each rank takes its own back on
// resume, so that a resumed run draws what the uninterrupted run would have drawn.
#pragma once

#include <torch/types.h>

#include <cstdint>

namespace nmt {

class Collective;
struct TrainingProgress;

/// Gathers the generator states of ranks 1, 2, ... into rank 0's `progress` (worker_rng, and
/// worker_cuda_rng when `device` is a GPU). Every rank calls it.
void gather_worker_generators(Collective& workers, const torch::Device& device,
                              TrainingProgress& progress);

/// Rank `rank` > 0 of a resumed run takes back its states from `progress`; a rank that the run
/// did not have (resumed with more workers) starts a stream of its own from `seed` and the
/// step. Rank 0's states come back with the checkpoint itself (load_checkpoint).
void restore_worker_generators(const TrainingProgress& progress, int rank, int64_t seed,
                               const torch::Device& device);

}  // namespace nmt
