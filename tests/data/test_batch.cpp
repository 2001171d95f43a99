// Batch tensors: </s> and <s> in the right places, padding elsewhere, lengths and token count.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "data/batch.h"
#include "support/tensor_asserts.h"

TEST_CASE("batch: tensors add </s>, <s> and padding as documented", "[data][batch]") {
  nmt::EncodedCorpus corpus;
  corpus.src = {{10, 11, 12}, {20}, {30, 31}};
  corpus.trg = {{40}, {50, 51, 52}, {60, 61}};
  const auto b = nmt::make_batch(corpus, {1, 0});  // pairs 1 and 0, in that order
  // pad = 1, <s> = 2, </s> = 3
  nmt::test::require_close(b.src, torch::tensor({{20, 3, 1, 1}, {10, 11, 12, 3}}), 0);
  nmt::test::require_close(b.src_lengths, torch::tensor({2, 4}), 0);
  nmt::test::require_close(b.trg_in, torch::tensor({{2, 50, 51, 52}, {2, 40, 1, 1}}), 0);
  nmt::test::require_close(b.trg_out, torch::tensor({{50, 51, 52, 3}, {40, 3, 1, 1}}), 0);
  CHECK(b.trg_tokens == 4 + 2);
  CHECK(b.size() == 2);
}
