// Batching: the padded-token bound, one appearance per pair per epoch, determinism by seed.
#include <catch2/catch.hpp>
#include <random>

#include "data/batching.h"

using nmt::BatchIndices;
using nmt::make_batches;

namespace {

struct Lengths {
  std::vector<int64_t> src, trg;
};

Lengths random_lengths(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int64_t> len(1, 60);
  Lengths l;
  for (int i = 0; i < n; ++i) {
    l.src.push_back(len(rng));
    l.trg.push_back(len(rng));
  }
  return l;
}

std::vector<std::vector<int64_t>> pairs_of(const std::vector<BatchIndices>& batches) {
  std::vector<std::vector<int64_t>> out;
  for (const auto& b : batches) out.push_back(b.pairs);
  return out;
}

}  // namespace

TEST_CASE("batching: every batch keeps the padded target token bound", "[data][batching]") {
  const auto l = random_lengths(5000, 1);
  const int64_t bound = GENERATE(as<int64_t>{}, 60, 500, 3000);
  for (int64_t epoch : {0, 1}) {
    const auto batches = make_batches(l.src, l.trg, bound, /*seed=*/7, epoch);
    REQUIRE_FALSE(batches.empty());
    for (const auto& b : batches) {
      int64_t longest = 0, longest_src = 0;
      for (int64_t i : b.pairs) {
        longest = std::max(longest, l.trg[i]);
        longest_src = std::max(longest_src, l.src[i]);
      }
      CHECK(b.max_trg_len == longest);
      CHECK(b.max_src_len == longest_src);
      CHECK(longest * static_cast<int64_t>(b.pairs.size()) <= bound);
    }
  }
}

TEST_CASE("batching: each pair appears exactly once per epoch", "[data][batching]") {
  const auto l = random_lengths(3001, 2);
  for (int64_t epoch : {0, 1, 5}) {
    const auto batches = make_batches(l.src, l.trg, 400, /*seed=*/3, epoch);
    std::vector<int> seen(l.trg.size(), 0);
    for (const auto& b : batches) {
      for (int64_t i : b.pairs) ++seen.at(i);
    }
    CHECK(std::count(seen.begin(), seen.end(), 1) == static_cast<long>(seen.size()));
  }
}

TEST_CASE("batching: a pair longer than the bound gets a batch of its own", "[data][batching]") {
  const std::vector<int64_t> src = {3, 4, 5, 6}, trg = {5, 50, 5, 5};
  const auto batches = make_batches(src, trg, 20, /*seed=*/1, /*epoch=*/0);
  int64_t total = 0;
  for (const auto& b : batches) {
    total += static_cast<int64_t>(b.pairs.size());
    if (std::find(b.pairs.begin(), b.pairs.end(), 1) != b.pairs.end()) {
      CHECK(b.pairs.size() == 1);
    } else {
      CHECK(b.padded_trg_tokens() <= 20);
    }
  }
  CHECK(total == 4);
}

TEST_CASE("batching: same seed and epoch repeat, another seed or epoch differs",
          "[data][batching]") {
  const auto l = random_lengths(2000, 4);
  const auto a = pairs_of(make_batches(l.src, l.trg, 500, 11, 0));
  CHECK(pairs_of(make_batches(l.src, l.trg, 500, 11, 0)) == a);
  CHECK(pairs_of(make_batches(l.src, l.trg, 500, 12, 0)) != a);
  CHECK(pairs_of(make_batches(l.src, l.trg, 500, 11, 1)) != a);
}

TEST_CASE("batching: pairs of similar length share a batch", "[data][batching]") {
  // Bucketing should waste far less padding than random batches would: compare the padded
  // tokens against the real tokens.
  const auto l = random_lengths(4000, 5);
  const auto batches = make_batches(l.src, l.trg, 1000, 9, 0);
  int64_t padded = 0, real = 0;
  for (const auto& b : batches) {
    padded += b.padded_trg_tokens();
    for (int64_t i : b.pairs) real += l.trg[i];
  }
  // Uniform lengths 1..60 in random batches would pad to ~1.9x; bucketed stays near 1.
  CHECK(static_cast<double>(padded) / real < 1.1);
}
