// Greedy search against independent references: every token is the argmax teacher forcing
// gives, beam search with a beam of 1 agrees, and a batch equals each sentence alone.
#include <catch2/catch.hpp>

#include "decode/beam_search.h"
#include "decode/search_test_helpers.h"
#include "support/tensor_asserts.h"

using nmt::Hypothesis;
using nmt::SearchOptions;

namespace {

using nmt::test::ModelSpec;
const std::vector<ModelSpec> kGreedySpecs = {{"gru", nmt::DecoderStyle::bahdanau, "mlp", 1},
                                             {"lstm", nmt::DecoderStyle::luong, "dot", 2},
                                             {"lstm", nmt::DecoderStyle::bahdanau, "cosine", 1}};

// Sources of different lengths, each ending in </s>.
const std::vector<std::vector<int64_t>> kGreedySources = {{5, 9, 4, 11, nmt::kEosId},
                                                          {8, nmt::kEosId},
                                                          {12, 4, 4, 10, 6, 7, nmt::kEosId},
                                                          {13, nmt::kEosId}};

std::vector<std::vector<Hypothesis>> run_search(nmt::Seq2SeqImpl& model,
                                                const std::vector<std::vector<int64_t>>& sources,
                                                const SearchOptions& options) {
  const auto [src, src_len] = nmt::test::pad_rows(sources);
  nmt::ModelScorer scorer(model);
  return nmt::search(scorer, src, src_len, options);
}

}  // namespace

TEST_CASE("greedy search: each token is the most probable one after the tokens before it",
          "[decode][greedy]") {
  const auto spec = GENERATE(from_range(kGreedySpecs));
  const uint64_t seed = GENERATE(1, 2, 3);
  const int64_t max_len_b = GENERATE(2, 10);  // 2: most sentences are cut
  CAPTURE(spec.cell, spec.style, spec.attention, seed, max_len_b);
  constexpr int64_t kVocab = 9;
  auto model =
      nmt::test::search_model(spec.cell, spec.layers, spec.style, spec.attention, seed, kVocab);
  SearchOptions options;
  options.max_len_a = 0.5;
  options.max_len_b = max_len_b;
  const auto results = run_search(*model, kGreedySources, options);
  REQUIRE(results.size() == kGreedySources.size());
  for (size_t i = 0; i < kGreedySources.size(); ++i) {
    CAPTURE(i);
    REQUIRE(results[i].size() == 1);
    const auto& h = results[i].front();
    const auto tokens = nmt::test::emitted(h.ids, h.complete);
    const auto max_length =
        nmt::max_output_length(static_cast<int64_t>(kGreedySources[i].size()), options);
    // Ends at the first </s>, or is cut at exactly the max length.
    REQUIRE(static_cast<int64_t>(tokens.size()) <= max_length);
    if (!h.complete) REQUIRE(static_cast<int64_t>(tokens.size()) == max_length);
    // Teacher-forced log-probs [T, V] of the output; <pad> and <s> are never chosen.
    torch::NoGradGuard no_grad;
    const auto [src, src_len] = nmt::test::pad_rows({kGreedySources[i]});
    std::vector<int64_t> trg_in = {nmt::kBosId};
    trg_in.insert(trg_in.end(), tokens.begin(), tokens.end() - 1);
    const auto out = model->forward(src, src_len, nmt::test::pad_rows({trg_in}).first);
    auto log_probs = torch::log_softmax(out.logits[0], -1);  // [T, V]
    log_probs.index_fill_(1, torch::tensor({int64_t{nmt::kPadId}, int64_t{nmt::kBosId}}),
                          -std::numeric_limits<float>::infinity());
    const auto argmax = log_probs.argmax(/*dim=*/-1);  // [T]
    for (size_t t = 0; t < tokens.size(); ++t) {
      CAPTURE(t);
      CHECK(argmax[static_cast<int64_t>(t)].item<int64_t>() == tokens[t]);
    }
    const auto forced =
        nmt::test::teacher_force(*model, kGreedySources[i], {tokens}, options.alpha);
    CHECK(h.score == Approx(forced.front().score).margin(1e-5));
    nmt::test::require_close(h.attention, forced.front().attention, 1e-5);
  }
}

TEST_CASE("greedy search: beam search with a beam of 1 gives the same hypotheses",
          "[decode][greedy][beam]") {
  const auto spec = GENERATE(from_range(kGreedySpecs));
  const uint64_t seed = GENERATE(4, 5, 6);
  const double alpha = GENERATE(0.0, 1.0);
  CAPTURE(spec.cell, spec.style, spec.attention, seed, alpha);
  auto model =
      nmt::test::search_model(spec.cell, spec.layers, spec.style, spec.attention, seed, 15);
  SearchOptions options;
  options.alpha = alpha;
  const auto greedy = run_search(*model, kGreedySources, options);
  const auto [src, src_len] = nmt::test::pad_rows(kGreedySources);
  std::vector<std::vector<Hypothesis>> beam;
  {
    torch::NoGradGuard no_grad;
    nmt::ModelScorer scorer(*model);
    beam = nmt::beam_search(scorer, src, src_len, options);
  }
  REQUIRE(greedy.size() == kGreedySources.size());
  REQUIRE(beam.size() == kGreedySources.size());
  for (size_t i = 0; i < kGreedySources.size(); ++i) {
    CAPTURE(i);
    REQUIRE(greedy[i].size() == 1);
    REQUIRE(beam[i].size() == 1);
    CHECK(beam[i][0].ids == greedy[i][0].ids);
    CHECK(beam[i][0].complete == greedy[i][0].complete);
    CHECK(beam[i][0].score == Approx(greedy[i][0].score).margin(1e-6));
    nmt::test::require_close(beam[i][0].attention, greedy[i][0].attention, 1e-6);
  }
}

// 13 sentences of 1 to 6 tokens: the search pads 9 to 15 rows to 16 (decode/search_rows.cpp),
// so rows step beside copies of another row while sentences finish one after another.
std::vector<std::vector<int64_t>> thirteen_sources() {
  std::vector<std::vector<int64_t>> sources;
  for (int64_t i = 0; i < 13; ++i) {
    std::vector<int64_t> source;
    for (int64_t j = 0; j <= i % 6; ++j) source.push_back(4 + (3 * i + 5 * j) % 11);
    source.push_back(nmt::kEosId);
    sources.push_back(source);
  }
  return sources;
}

TEST_CASE("greedy search: a batch gives each sentence what it gets alone", "[decode][greedy]") {
  const auto spec = GENERATE(from_range(kGreedySpecs));
  const uint64_t seed = GENERATE(7, 8);
  const bool thirteen = GENERATE(false, true);
  const auto sources = thirteen ? thirteen_sources() : kGreedySources;
  CAPTURE(spec.cell, spec.style, spec.attention, seed, sources.size());
  auto model =
      nmt::test::search_model(spec.cell, spec.layers, spec.style, spec.attention, seed, 15);
  const SearchOptions options;
  const auto batch = run_search(*model, sources, options);
  REQUIRE(batch.size() == sources.size());
  for (size_t i = 0; i < sources.size(); ++i) {
    CAPTURE(i);
    const auto alone = run_search(*model, {sources[i]}, options);
    REQUIRE(batch[i].size() == 1);
    REQUIRE(alone.front().size() == 1);
    CHECK(batch[i][0].ids == alone.front()[0].ids);
    CHECK(batch[i][0].score == Approx(alone.front()[0].score).margin(1e-5));
    nmt::test::require_close(batch[i][0].attention, alone.front()[0].attention, 1e-5);
  }
}
