// Process-wide CPU settings that OpenBLAS and OpenMP (libgomp) read only once, while they are
// loaded and before main() runs. `nmt train` and `nmt translate` set them and re-execute
// themselves once, so users get the fast configuration without exporting anything.
#pragma once

#include <string>

namespace nmt::cli {

/// Where the user has not set them: OPENBLAS_CORETYPE when OpenBLAS fell back to its generic
/// kernels on a CPU it does not know, OPENBLAS_THREAD_TIMEOUT=4 (OpenBLAS's idle threads sleep
/// instead of spinning), OMP_WAIT_POLICY=passive and GLOG_minloglevel=3 (c10d's glog lines
/// kept off the terminal). Re-executes the process
/// (at most once) if that changed anything; otherwise, or if exec fails, it returns.
void tune_cpu_runtime(char** argv);

/// Makes glibc keep freed memory for reuse instead of returning it to the system: LibTorch frees
/// and reallocates tensors of tens of MB at every training step and search step (e.g. beam
/// search's [rows, K*V] scores), and by default each new one arrives as fresh pages, whose first
/// touch faults. Measured on an AMD EPYC, 2 threads: 1.56x training and ~2.9x beam-5 speed
/// (bench/RESULTS.md). That cost is the main thread's: `nmt serve`'s search thread has an arena
/// of its own, which kept its blocks anyway. Left alone where the user set glibc.malloc tunables
/// in GLIBC_TUNABLES.
/// tune_cpu_runtime() calls it.
void keep_freed_memory_for_reuse();

/// oneDNN, which runs LibTorch's bf16 matmuls, caches a primitive for every shape it meets (up
/// to 1,024), and each holds its JIT-compiled kernels. Training's shapes change with every batch,
/// so the cache only grows: bf16 training's peak memory rose by ~300 MiB in 40 updates
/// (bench/RESULTS.md). Keeps the `capacity` most recent (ONEDNN_PRIMITIVE_CACHE_CAPACITY, which
/// oneDNN reads at its first primitive), unless the user set it.
void bound_onednn_primitive_cache(int capacity);

/// One line for the log, e.g. "OpenBLAS core SkylakeX, OPENBLAS_THREAD_TIMEOUT=4,
/// OMP_WAIT_POLICY=passive, ONEDNN_PRIMITIVE_CACHE_CAPACITY=16".
std::string cpu_runtime_summary();

}  // namespace nmt::cli
