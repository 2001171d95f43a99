#include "common/precision.h"

#include "common/errors.h"

namespace nmt {

CpuBf16 cpu_bf16_support() {
#if defined(__x86_64__) && defined(__GNUC__)
  return {__builtin_cpu_supports("avx512bf16") != 0, __builtin_cpu_supports("amx-bf16") != 0};
#else
  return {};
#endif
}

bool cpu_has_vnni() {
#if defined(__x86_64__) && defined(__GNUC__)
  return __builtin_cpu_supports("avx512vnni") != 0 || __builtin_cpu_supports("avxvnni") != 0;
#else
  return false;
#endif
}

PrecisionChoice choose_precision(const std::string& setting, const std::string& device,
                                 const CpuBf16& cpu, const std::string& key) {
  const bool native = cpu.avx512_bf16 || cpu.amx_bf16;
  const std::string flags = cpu.amx_bf16 && cpu.avx512_bf16 ? "AMX-BF16 and AVX512-BF16"
                            : cpu.amx_bf16                  ? "AMX-BF16"
                                                            : "AVX512-BF16";
  if (setting == "fp32") return {Precision::fp32, "fp32 (" + key + ")"};
  if (device == "cuda") {
    if (setting == "bf16") {
      throw ConfigKeyError(key, "bf16 is implemented for the CPU only; use fp32 or auto with cuda");
    }
    return {Precision::fp32, "fp32 (auto: bf16 is implemented for the CPU only)"};
  }
  if (setting == "bf16") {
    return {Precision::bf16,
            native ? "bf16 matmuls (" + key + "; the CPU has " + flags + ")"
                   : "bf16 matmuls (" + key +
                         "), although the CPU has neither AVX512-BF16 "
                         "nor AMX-BF16: expect them to be many times slower than fp32"};
  }
  if (native) return {Precision::bf16, "bf16 matmuls (auto: the CPU has " + flags + ")"};
  return {Precision::fp32, "fp32 (auto: the CPU has neither AVX512-BF16 nor AMX-BF16)"};
}

}  // namespace nmt
