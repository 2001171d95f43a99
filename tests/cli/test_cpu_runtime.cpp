// glibc keeps freed memory for reuse once nmt asked it to: a block of tens of MB freed by one
// step is not returned to the system, so the next step's tensor does not arrive as fresh pages.
#include <malloc.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>

#include "cli/cpu_runtime.h"

TEST_CASE("cpu runtime: a freed block of 48 MB stays in the heap for reuse", "[cli][cpu_runtime]") {
  unsetenv("GLIBC_TUNABLES");  // read at start-up already; a user's setting would skip the call
  nmt::cli::keep_freed_memory_for_reuse();
  constexpr size_t kBytes = size_t{48} << 20;  // above glibc's largest default mmap threshold
  void* block = std::malloc(kBytes);
  REQUIRE(block != nullptr);
  std::memset(block, 1, kBytes);
  CHECK(mallinfo2().hblkhd < kBytes);  // from the heap, not a mapping of its own
  std::free(block);
  CHECK(mallinfo2().fordblks >= kBytes);  // kept, free, in the heap
}
