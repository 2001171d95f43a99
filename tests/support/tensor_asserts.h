// Test support: compares tensors element by element and reports the first mismatch, so a
// failing test says where it failed (as CTranslate2's expect_array_eq does).
#pragma once

#include <torch/types.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <sstream>
#include <string>
#include <vector>

namespace nmt::test {

/// The multi-index of element `flat` of a row-major tensor of `sizes`, as "[i, j, ...]".
inline std::string index_string(int64_t flat, const std::vector<int64_t>& sizes) {
  std::vector<int64_t> index(sizes.size());
  for (size_t d = sizes.size(); d-- > 0;) {
    index[d] = flat % sizes[d];
    flat /= sizes[d];
  }
  std::ostringstream out;
  out << "[";
  for (size_t d = 0; d < index.size(); ++d) out << (d ? ", " : "") << index[d];
  out << "]";
  return out.str();
}

/// REQUIREs equal shapes, then |actual - expected| <= atol + rtol * |expected| for every
/// element (NaN never passes); on failure reports the first bad index and both values.
/// Values are compared in double precision whatever the dtypes. `file` and `line` default to
/// the caller's (GCC/Clang builtins), so a failure names the call, not this header.
inline void require_close(const torch::Tensor& actual, const torch::Tensor& expected, double atol,
                          double rtol = 0, const char* file = __builtin_FILE(),
                          int line = __builtin_LINE()) {
  INFO("require_close called at " << file << ":" << line);
  const std::vector<int64_t> sizes = actual.sizes().vec();
  REQUIRE(sizes == expected.sizes().vec());
  const auto a = actual.detach().to(torch::kCPU, torch::kDouble).contiguous();
  const auto e = expected.detach().to(torch::kCPU, torch::kDouble).contiguous();
  const double* pa = a.data_ptr<double>();
  const double* pe = e.data_ptr<double>();
  for (int64_t i = 0; i < a.numel(); ++i) {
    if (std::abs(pa[i] - pe[i]) <= atol + rtol * std::abs(pe[i])) continue;
    std::ostringstream msg;
    msg << "tensors differ at " << index_string(i, sizes) << ": actual " << std::setprecision(17)
        << pa[i] << ", expected " << pe[i] << std::setprecision(3) << " (atol " << atol << ", rtol "
        << rtol << ")";
    FAIL(msg.str());
  }
  SUCCEED("all " << a.numel() << " elements close");
}

}  // namespace nmt::test
