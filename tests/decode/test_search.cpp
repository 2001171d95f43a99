// search(): option checks, the length rules (hand-computed), and what it promises callers.
#include <catch2/catch.hpp>

#include "common/errors.h"
#include "decode/search_test_helpers.h"

using nmt::SearchOptions;

TEST_CASE("search: the GNMT length penalty is ((5 + T) / 6)^alpha", "[decode][search]") {
  CHECK(nmt::length_penalty(1, 0.6) == Approx(1.0));         // (6/6)^0.6
  CHECK(nmt::length_penalty(7, 1.0) == Approx(2.0));         // 12/6
  CHECK(nmt::length_penalty(13, 0.5) == Approx(1.7320508));  // sqrt(18/6) = sqrt(3)
  CHECK(nmt::length_penalty(40, 0.0) == 1.0);
}

TEST_CASE("search: the max length is floor(a * |src| + b), at least 1", "[decode][search]") {
  SearchOptions options;                            // a = 1.5, b = 10
  CHECK(nmt::max_output_length(5, options) == 17);  // floor(7.5 + 10)
  CHECK(nmt::max_output_length(4, options) == 16);  // 6 + 10
  options.max_len_a = 0.29;
  options.max_len_b = 0;
  CHECK(nmt::max_output_length(100, options) == 29);  // 0.29 * 100 is 28.999999999999996
  options.max_len_a = 0;
  CHECK(nmt::max_output_length(100, options) == 1);  // never 0
}

TEST_CASE("search: options out of range name the option", "[decode][search]") {
  SearchOptions options;
  options.beam = 0;
  CHECK_THROWS_WITH(nmt::validate(options), Catch::Contains("beam must be >= 1"));
  options.beam = 2;
  options.nbest = 3;
  CHECK_THROWS_WITH(nmt::validate(options), Catch::Contains("nbest must be in [1, beam=2]"));
  options.nbest = 2;
  options.alpha = -0.5;
  CHECK_THROWS_AS(nmt::validate(options), nmt::ConfigError);
  CHECK_THROWS_WITH(nmt::validate(options), Catch::Contains("alpha"));
  options.alpha = 0.6;
  CHECK_NOTHROW(nmt::validate(options));
}

TEST_CASE("search: leaves the model's mode alone and records no gradients", "[decode][search]") {
  auto model = nmt::test::search_model("gru", 1, nmt::DecoderStyle::luong, "mlp", /*seed=*/1,
                                       /*trg_vocab=*/10);
  const auto [src, src_len] = nmt::test::pad_rows({{5, 6, nmt::kEosId}, {7, nmt::kEosId}});
  const int64_t beam = GENERATE(1, 3);
  SearchOptions options;
  options.beam = beam;
  const bool training = GENERATE(false, true);
  model->train(training);
  nmt::ModelScorer scorer(*model);
  const auto results = nmt::search(scorer, src, src_len, options);
  CHECK(model->is_training() == training);
  REQUIRE(results.size() == 2);
  for (const auto& nbest : results) {
    REQUIRE(nbest.size() == 1);
    CHECK_FALSE(nbest.front().attention.requires_grad());
    CHECK(nbest.front().attention.size(1) == src.size(1) - (&nbest == &results[1] ? 1 : 0));
  }
}

TEST_CASE("search: without attention the same hypotheses and no attention matrix",
          "[decode][search]") {
  const auto variant = GENERATE(from_range(nmt::test::model_variants()));
  const int64_t beam = GENERATE(1, 4);
  CAPTURE(variant, beam);
  auto model = nmt::test::search_model("gru", 1, nmt::DecoderStyle::luong, variant, /*seed=*/3,
                                       /*trg_vocab=*/12);
  const auto [src, src_len] = nmt::test::pad_rows(
      {{5, 9, 4, 11, nmt::kEosId}, {8, nmt::kEosId}, {12, 4, 4, 10, 6, 7, nmt::kEosId}});
  SearchOptions options;
  options.beam = beam;
  options.nbest = beam;
  nmt::ModelScorer scorer(*model);
  const auto with = nmt::search(scorer, src, src_len, options);
  options.attention = false;
  const auto without = nmt::search(scorer, src, src_len, options);
  REQUIRE(without.size() == with.size());
  for (size_t i = 0; i < with.size(); ++i) {
    REQUIRE(without[i].size() == with[i].size());
    for (size_t k = 0; k < with[i].size(); ++k) {
      CAPTURE(i, k);
      CHECK(without[i][k].ids == with[i][k].ids);
      CHECK(without[i][k].score == with[i][k].score);
      CHECK(without[i][k].complete == with[i][k].complete);
      CHECK(with[i][k].attention.defined());
      CHECK_FALSE(without[i][k].attention.defined());
    }
  }
}
