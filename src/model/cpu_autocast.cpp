#include "model/cpu_autocast.h"

#include <ATen/autocast_mode.h>
#include <dlfcn.h>
#include <torch/version.h>

namespace nmt {
namespace {

// LibTorch 2.4 replaced the CPU-specific autocast calls (kept, deprecated) by per-device ones.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool cpu_autocast_enabled() { return at::autocast::is_autocast_enabled(at::kCPU); }
at::ScalarType cpu_autocast_dtype() { return at::autocast::get_autocast_dtype(at::kCPU); }
void set_cpu_autocast(bool on, at::ScalarType dtype) {
  at::autocast::set_autocast_enabled(at::kCPU, on);
  at::autocast::set_autocast_dtype(at::kCPU, dtype);
}
#else
bool cpu_autocast_enabled() { return at::autocast::is_cpu_enabled(); }
at::ScalarType cpu_autocast_dtype() { return at::autocast::get_autocast_cpu_dtype(); }
void set_cpu_autocast(bool on, at::ScalarType dtype) {
  at::autocast::set_cpu_enabled(on);
  at::autocast::set_autocast_cpu_dtype(dtype);
}
#endif

}  // namespace

CpuBf16Autocast::CpuBf16Autocast(bool on) : on_(on) {
  if (!on_) return;
  was_enabled_ = cpu_autocast_enabled();
  was_dtype_ = cpu_autocast_dtype();
  set_cpu_autocast(true, at::kBFloat16);
  at::autocast::increment_nesting();
}

CpuBf16Autocast::~CpuBf16Autocast() {
  if (!on_) return;
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  set_cpu_autocast(was_enabled_, was_dtype_);
}

at::Tensor autocast_parameter(const at::Tensor& parameter) {
  if (!cpu_autocast_enabled()) return parameter;
  return at::autocast::cached_cast(cpu_autocast_dtype(), parameter, c10::DeviceType::CPU);
}

int onednn_version() {
  struct OnednnVersion {  // dnnl_version_t's leading fields, the same in oneDNN 1.x to 3.x
    int major, minor, patch;
  };
  using VersionFn = const OnednnVersion* (*)();
  const auto version = reinterpret_cast<VersionFn>(dlsym(RTLD_DEFAULT, "dnnl_version"));
  if (version == nullptr) return 0;
  const auto* v = version();
  return v->major * 10000 + v->minor * 100 + v->patch;
}

bool bf16_confined_to_one_thread() {
  static const bool confined = [] {
    const int version = onednn_version();
    return version != 0 && version < 20701;
  }();
  return confined;
}

}  // namespace nmt
