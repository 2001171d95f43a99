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

}  // namespace nmt
