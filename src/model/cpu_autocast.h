// LibTorch's CPU autocast in bf16 for the span of one object: the matmuls it lists run in bf16,
// on bf16 copies of the fp32 weights that LibTorch caches until the outermost guard ends (so a
// whole search casts each weight once). Its state is per thread: a guard covers the work of
// the thread that made it.
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/ScalarType.h>

namespace nmt {

class CpuBf16Autocast {
 public:
  /// Does nothing when `on` is false.
  explicit CpuBf16Autocast(bool on);
  ~CpuBf16Autocast();
  CpuBf16Autocast(const CpuBf16Autocast&) = delete;
  CpuBf16Autocast& operator=(const CpuBf16Autocast&) = delete;

 private:
  bool on_, was_enabled_ = false;
  c10::ScalarType was_dtype_ = c10::kBFloat16;
};

/// `parameter` as CPU autocast hands it to a matmul: while a guard is active, its bf16 copy,
/// made once per outermost guard (LibTorch's cache); otherwise `parameter` itself. Autocast
/// caches whole parameters only, never views, so code that slices a parameter slices this.
at::Tensor autocast_parameter(const at::Tensor& parameter);

/// The version of the oneDNN library that LibTorch runs bf16 matmuls on, as
/// major * 10000 + minor * 100 + patch; 0 when it is linked into LibTorch out of reach (as in
/// PyTorch's own builds, whose oneDNN is 3.x).
int onednn_version();

/// Whether bf16 work has to stay on one thread of the process. oneDNN before 2.7.1 (Debian 12's
/// LibTorch 1.13 links 2.6.3) corrupts its own memory once its primitive cache is full and bf16
/// matmuls run on two threads, even one at a time: searches then fail with bad_alloc,
/// bad_array_new_length or "Broken promise", and the process can crash (bench/RESULTS.md,
/// "bf16 searches on two threads"). TensorFlow turned that cache off for oneDNN 2.6
/// (tensorflow/tensorflow#57044) and on again with 2.7.1 (#58269).
bool bf16_confined_to_one_thread();

}  // namespace nmt
