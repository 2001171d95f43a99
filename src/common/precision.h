// The floating-point precision of the matmuls (train.precision; --precision of `nmt translate`
// and `nmt serve`): fp32, or bf16 with fp32 master weights, optimiser state, loss and
// log-probs. bf16 pays only where the CPU multiplies bf16 in hardware
// (AVX512-BF16 or AMX-BF16, through oneDNN); elsewhere LibTorch falls back to a reference path
// many times slower than fp32 (pytorch issues #83863, #146508), so `auto` decides by the CPU's
// flags, never by its name. Searches may also run in int8 (common/int8_matmuls.h), which pays
// where the CPU has int8 dot products (VNNI).
#pragma once

#include <string>

namespace nmt {

enum class Precision { fp32, bf16, int8 };

/// What this CPU multiplies in bf16 natively.
struct CpuBf16 {
  bool avx512_bf16 = false;
  bool amx_bf16 = false;
};
CpuBf16 cpu_bf16_support();

/// Whether this CPU has int8 dot products (AVX512-VNNI or AVX-VNNI), which oneDNN's int8
/// matmuls use.
bool cpu_has_vnni();

struct PrecisionChoice {
  Precision precision = Precision::fp32;
  std::string reason;  // one line for the log: what was chosen and why
};

/// `setting` is the value ("fp32", "bf16" or "auto") of `key` for a model on `device` ("cpu"
/// or "cuda"). Throws ConfigKeyError naming `key` for bf16 on cuda (bf16 is implemented for
/// the CPU only).
PrecisionChoice choose_precision(const std::string& setting, const std::string& device,
                                 const CpuBf16& cpu, const std::string& key = "train.precision");

}  // namespace nmt
