// Process-wide CPU settings that OpenBLAS and OpenMP (libgomp) read only once, while they are
// loaded and before main() runs. `nmt train` and `nmt translate` set them and re-execute
// themselves once, so users get the fast configuration without exporting anything.
#pragma once

#include <string>

namespace nmt::cli {

/// Where the user has not set them: OPENBLAS_CORETYPE when OpenBLAS fell back to its generic
/// kernels on a CPU it does not know, OPENBLAS_THREAD_TIMEOUT=4 (OpenBLAS's idle threads sleep
/// instead of spinning) and OMP_WAIT_POLICY=passive. Re-executes the process
/// (at most once) if that changed anything; otherwise, or if exec fails, it returns.
void tune_cpu_runtime(char** argv);

/// Sets LibTorch's threads and, when the BLAS is OpenBLAS, its own pool (which LibTorch leaves
/// alone): data-parallel workers sharing a machine would otherwise each run a GEMM on every core.
void set_cpu_threads(int threads);

/// One line for the log, e.g. "OpenBLAS core SkylakeX, OPENBLAS_THREAD_TIMEOUT=4, OMP_WAIT_POLICY=passive".
std::string cpu_runtime_summary();

}  // namespace nmt::cli
