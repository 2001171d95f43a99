// Why: OpenBLAS 0.3.21 (Debian 12) does not recognise newer Intel CPUs (e.g. family 6 model
// 207) and falls back to its SSE3 "Prescott" kernels, at about half the speed of its AVX-512
// ones. And LibTorch's OpenMP threads busy-wait between parallel regions while OpenBLAS's own
// threads run a GEMM, so on a 2-core machine they take turns on the cores. Together they cost
// a factor of ~4.5 in training throughput (bench/RESULTS.md). Between GEMMs OpenBLAS's idle
// threads spin with sched_yield for 2^28 cycles by default; told to sleep almost at once
// (OPENBLAS_THREAD_TIMEOUT=4, its minimum) they leave the core to LibTorch's own work: beam
// search +28%, training +4% on the reference architecture.
#include "cli/cpu_runtime.h"

#include <dlfcn.h>
#include <malloc.h>
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace nmt::cli {
namespace {

constexpr const char* kTunedMarker = "NMT_CPU_RUNTIME_TUNED";

// The core OpenBLAS chose (e.g. "Prescott", "SkylakeX"), or "" if OpenBLAS is not the BLAS.
std::string openblas_core() {
  using CoreNameFn = char* (*)();
  auto core_name = reinterpret_cast<CoreNameFn>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  if (core_name == nullptr) return "";
  const char* name = core_name();
  return name != nullptr ? name : "";
}

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The OpenBLAS core to ask for when it picked the generic one on a CPU with wider vectors.
std::string better_openblas_core(const std::string& chosen) {
  if (lowercase(chosen) != "prescott") return "";
#if defined(__x86_64__) || defined(__i386__)
  if (__builtin_cpu_supports("avx512f")) return "SkylakeX";
  if (__builtin_cpu_supports("avx2")) return "Haswell";
#endif
  return "";
}

}  // namespace

void keep_freed_memory_for_reuse() {
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr && std::string(tunables).find("glibc.malloc.") != std::string::npos) {
    return;
  }
  mallopt(M_MMAP_THRESHOLD, 256 << 20);  // blocks up to 256 MB come from the reusable heap
  mallopt(M_TRIM_THRESHOLD, 1 << 30);    // and up to 1 GB of freed heap stays mapped
  mallopt(M_TOP_PAD, 64 << 20);          // the heap grows in steps of 64 MB
}

void tune_cpu_runtime(char** argv) {
  keep_freed_memory_for_reuse();
  if (std::getenv(kTunedMarker) != nullptr) return;
  bool changed = false;
  const std::string chosen_core = openblas_core();
  if (std::getenv("OPENBLAS_CORETYPE") == nullptr) {
    const std::string core = better_openblas_core(chosen_core);
    if (!core.empty()) changed |= setenv("OPENBLAS_CORETYPE", core.c_str(), 1) == 0;
  }
  if (!chosen_core.empty() && std::getenv("OPENBLAS_THREAD_TIMEOUT") == nullptr) {
    changed |= setenv("OPENBLAS_THREAD_TIMEOUT", "4", 1) == 0;
  }
  if (std::getenv("OMP_WAIT_POLICY") == nullptr) {
    changed |= setenv("OMP_WAIT_POLICY", "passive", 1) == 0;
  }
  // c10d logs through glog, a line a second while it waits for a master; its errors reach
  // the user as nmt's own one-line message. GLOG_minloglevel=0 shows them all again.
  if (std::getenv("GLOG_minloglevel") == nullptr) {
    changed |= setenv("GLOG_minloglevel", "3", 1) == 0;
  }
  if (!changed) return;
  setenv(kTunedMarker, "1", 1);
  execv("/proc/self/exe", argv);  // returns only on failure: go on untuned
}

void bound_onednn_primitive_cache(int capacity) {
  if (std::getenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY") != nullptr ||
      std::getenv("DNNL_PRIMITIVE_CACHE_CAPACITY") != nullptr) {
    return;
  }
  setenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY", std::to_string(capacity).c_str(), 1);
}

std::string cpu_runtime_summary() {
  const std::string core = openblas_core();
  const auto env = [](const char* name) {
    const char* value = std::getenv(name);
    return std::string(name) + "=" + (value != nullptr ? value : "(unset)");
  };
  return (core.empty() ? std::string("BLAS is not OpenBLAS") : "OpenBLAS core " + core) + ", " +
         env("OPENBLAS_THREAD_TIMEOUT") + ", " + env("OMP_WAIT_POLICY") + ", " +
         env("ONEDNN_PRIMITIVE_CACHE_CAPACITY");
}

}  // namespace nmt::cli
