// Checkpoint averaging (Junczys-Dowmunt et al. 2016; Vaswani et al. 2017): the element-wise mean
// of the parameters of checkpoints of one model, often better than any one of them.
#pragma once

#include <string>
#include <vector>

namespace nmt {

/// Averages the checkpoints `paths` of the model in `model_dir` into `output` (written
/// atomically, without optimiser state): every parameter and buffer is the mean of the
/// inputs', computed in double; progress, config and generator state are the newest input's
/// (largest step), so `nmt translate` reads it and `nmt train --resume` continues from it
/// with a fresh optimiser. Reads one file at a time, builds no model and leaves the random
/// generators alone. Throws Error naming both files and what differs if the inputs are not of
/// one architecture and vocabulary (a config key, a tensor, a subword model file), if a path
/// is given twice, or if `output` is one of them.
void average_checkpoints(const std::vector<std::string>& paths, const std::string& model_dir,
                         const std::string& output);

}  // namespace nmt
