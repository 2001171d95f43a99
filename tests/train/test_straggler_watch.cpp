// StragglerWatch: a worker that keeps taking longer than the others over a window is named once
// the window is full; the first updates and workers that keep pace are not.
#include <catch2/catch.hpp>

#include "train/straggler_watch.h"

using Catch::Contains;

TEST_CASE("straggler watch: a slow worker is named at the end of a window", "[train][workers]") {
  nmt::StragglerWatch watch(2, 1.4, /*warm_up=*/2, /*window=*/4);
  // Warm-up: not counted, however uneven.
  CHECK(watch.add({0.1, 10.0}).empty());
  CHECK(watch.add({0.1, 10.0}).empty());
  // Rank 1 takes 2x: named after the 4th update of the window, not before.
  for (int i = 0; i < 3; ++i) CHECK(watch.add({0.1, 0.2}).empty());
  const auto verdict = watch.add({0.1, 0.2});
  CHECK_THAT(verdict,
             Contains("worker rank 1 took 2.0x as long as rank 0") && Contains("last 4 updates"));
}

TEST_CASE("straggler watch: workers within the ratio keep going", "[train][workers]") {
  nmt::StragglerWatch watch(3, 1.4, 0, 3);
  // Single updates vary more than the ratio; the window's sums do not.
  CHECK(watch.add({0.1, 0.2, 0.1}).empty());
  CHECK(watch.add({0.2, 0.1, 0.1}).empty());
  CHECK(watch.add({0.1, 0.1, 0.16}).empty());  // sums 0.4, 0.4, 0.36
  // Each window starts afresh: rank 0 slow in this one only.
  CHECK(watch.add({0.3, 0.1, 0.1}).empty());
  CHECK(watch.add({0.3, 0.1, 0.1}).empty());
  CHECK_THAT(watch.add({0.3, 0.1, 0.1}), Contains("worker rank 0 took 3.0x as long as rank 1"));
}
