// What a checkpoint's archive must satisfy before any tensor of it is read: LibTorch sizes each
// storage as the archive's pickle declares it, not by the bytes of the record that holds its
// data, so a damaged or crafted record shorter than declared would be read past its end.
#pragma once

#include <torch/serialize/input-archive.h>

#include <string>
#include <vector>

namespace nmt {

/// Checks the archive at `path`, whose top-level `values` (named `keys`) it has read: every
/// record must hold the bytes its own storage declares, and every tensor must fit in its
/// storage. Throws DataError naming the file and the record or tensor otherwise.
void check_tensor_records(const std::vector<std::string>& keys,
                          const std::vector<c10::IValue>& values, const std::string& path);

}  // namespace nmt
