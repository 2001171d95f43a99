// error_message: whatever main() catches becomes one line, without LibTorch's backtrace or
// its request to report a bug to PyTorch.
#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <new>
#include <stdexcept>

#include "cli/error_message.h"

using Catch::Contains;
using nmt::cli::error_message;

namespace {

template <typename F>
std::string message_of(F&& throwing) {
  try {
    throwing();
  } catch (...) {
    return error_message(std::current_exception(), "translate");
  }
  FAIL("nothing was thrown");
  return "";
}

bool one_line(const std::string& s) { return !s.empty() && s.find('\n') == std::string::npos; }

}  // namespace

TEST_CASE("error message: a LibTorch error is its first line without the backtrace",
          "[cli][robustness]") {
  const auto message = message_of([] { torch::zeros({2, 3}).view({4}); });
  INFO(message);
  CHECK(one_line(message));
  CHECK_THAT(message, Contains("shape '[4]' is invalid"));
  CHECK_THAT(message, !Contains("Exception raised from") && !Contains("frame #"));
}

TEST_CASE("error message: LibTorch's internal asserts do not ask to report to PyTorch",
          "[cli][robustness]") {
  const auto message = message_of([] { TORCH_INTERNAL_ASSERT(1 + 1 == 3, "odd arithmetic"); });
  INFO(message);
  CHECK(one_line(message));
  CHECK_THAT(message, Contains("INTERNAL ASSERT FAILED") && Contains("odd arithmetic"));
  CHECK_THAT(message, !Contains("report a bug"));
}

TEST_CASE("error message: other exceptions keep their first line", "[cli][robustness]") {
  CHECK(message_of([] { throw std::length_error("too long\nsecond line"); }) == "too long");
  CHECK(message_of([] { throw std::runtime_error("\n\n  indented first  \nrest"); }) ==
        "indented first");
  CHECK(message_of([] { throw std::bad_alloc(); }) ==
        "out of memory while running `nmt translate`");
  CHECK(message_of([] { throw 42; }) == "unexpected internal error while running `nmt translate`");
  CHECK(message_of([] { throw std::runtime_error(""); }) ==
        "unexpected internal error while running `nmt translate`");
}
