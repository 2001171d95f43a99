// Where this process's part of training runs: its device, and its share of each batch when
// several data-parallel workers train one model.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace nmt {

/// The device of config key `device` ("cpu" or "cuda"); for cuda the GPU `cuda_device` (a
/// worker's LOCAL_RANK). Throws ConfigError if there is no such GPU (resolve_device).
torch::Device training_device(const std::string& device, int cuda_device);

/// Rank `rank`'s share of a batch's `pairs` among `world` workers: every world-th pair from the
/// rank-th. A batch is sorted by length, so each share has pairs of every length in it: close
/// to equal work.
std::vector<int64_t> share_of(const std::vector<int64_t>& pairs, int rank, int world);

}  // namespace nmt
