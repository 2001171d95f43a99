// Beam search against independent references: exhaustive search over every output of a tiny
// vocabulary, teacher-forced scores and attention, and each sentence decoded alone.
#include <catch2/catch.hpp>
#include <set>

#include "decode/beam_search.h"
#include "decode/search_test_helpers.h"
#include "support/tensor_asserts.h"

using nmt::Hypothesis;
using nmt::SearchOptions;

namespace {

using nmt::test::ModelSpec;
const std::vector<ModelSpec> kBeamSpecs = {{"gru", nmt::DecoderStyle::bahdanau, "mlp", 1},
                                           {"lstm", nmt::DecoderStyle::luong, "dot", 2},
                                           {"gru", nmt::DecoderStyle::luong, "bilinear", 1}};

// Every attention type of the registry and the Transformer encoder, on one RNN set-up.
std::vector<ModelSpec> every_variant() {
  std::vector<ModelSpec> specs;
  for (const auto& v : nmt::test::model_variants())
    specs.push_back({"gru", nmt::DecoderStyle::luong, v, 1});
  return specs;
}

nmt::Seq2Seq model_for(const ModelSpec& spec, uint64_t seed, int64_t trg_vocab) {
  return nmt::test::search_model(spec.cell, spec.layers, spec.style, spec.attention, seed,
                                 trg_vocab);
}

std::vector<std::vector<Hypothesis>> run_beam(nmt::Seq2SeqImpl& model,
                                              const std::vector<std::vector<int64_t>>& sources,
                                              const SearchOptions& options) {
  torch::NoGradGuard no_grad;
  const auto [src, src_len] = nmt::test::pad_rows(sources);
  nmt::ModelScorer scorer(model);
  return nmt::beam_search(scorer, src, src_len, options);
}

// A hypothesis is what teacher forcing says of its ids: score, attention, length rules.
void require_consistent(nmt::Seq2SeqImpl& model, const std::vector<int64_t>& src,
                        const Hypothesis& h, const SearchOptions& options) {
  const auto tokens = nmt::test::emitted(h.ids, h.complete);
  const auto max_length = nmt::max_output_length(static_cast<int64_t>(src.size()), options);
  REQUIRE(static_cast<int64_t>(tokens.size()) <= max_length);
  if (!h.complete) REQUIRE(static_cast<int64_t>(tokens.size()) == max_length);
  for (const auto id : h.ids) {
    REQUIRE(id != nmt::kEosId);
    REQUIRE(id != nmt::kPadId);
    REQUIRE(id != nmt::kBosId);
  }
  const auto forced = nmt::test::teacher_force(model, src, {tokens}, options.alpha).front();
  REQUIRE(h.score == Approx(forced.score).margin(1e-5));
  nmt::test::require_close(h.attention, forced.attention, 1e-5);
}

}  // namespace

TEST_CASE("beam search: with a beam wider than every step's candidates it equals exhaustive search",
          "[decode][beam]") {
  const auto spec = GENERATE(from_range(kBeamSpecs), from_range(every_variant()));
  const uint64_t seed = GENERATE(1, 2, 3);
  const double alpha = GENERATE(0.0, 1.5);
  CAPTURE(spec.cell, spec.style, spec.attention, seed, alpha);
  // 6 ids: 3 may precede </s> (<unk> and 4, 5). With a = 1, b = 0 the max length is |src|: 3
  // and 4 here. Step t has at most 4 * 3^(t-1) <= 36 candidates before the last, so a beam of
  // 40 prunes nothing, and the 13 hypotheses that can finish before the last step never reach
  // the beam's count: only the bound can end a sentence early, and it must not change the result.
  constexpr int64_t kVocab = 6;
  auto model = model_for(spec, seed, kVocab);
  SearchOptions options;
  options.beam = 40;
  options.nbest = 6;
  options.alpha = alpha;
  options.max_len_a = 1;
  options.max_len_b = 0;
  const std::vector<std::vector<int64_t>> sources = {{7, 5, nmt::kEosId}, {4, 9, 12, nmt::kEosId}};
  const auto results = run_beam(*model, sources, options);
  REQUIRE(results.size() == sources.size());

  for (size_t i = 0; i < sources.size(); ++i) {
    const auto max_length = static_cast<int64_t>(sources[i].size());
    const auto outputs = nmt::test::all_outputs(kVocab, max_length);
    const auto scored = nmt::test::teacher_force(*model, sources[i], outputs, alpha);
    std::vector<size_t> order(outputs.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return scored[a].score > scored[b].score; });
    const auto& nbest = results[i];
    REQUIRE(static_cast<int64_t>(nbest.size()) == options.nbest);
    for (size_t r = 0; r < nbest.size(); ++r) {
      CAPTURE(i, r);
      const auto& best = outputs[order[r]];
      // Random weights make near-ties unlikely; a tie would show as swapped ids, equal scores.
      REQUIRE(scored[order[r]].score - scored[order[r + 1]].score > 1e-6);
      CHECK(nmt::test::emitted(nbest[r].ids, nbest[r].complete) == best);
      CHECK(nbest[r].score == Approx(scored[order[r]].score).margin(1e-5));
    }
  }
}

TEST_CASE("beam search: n-best lists are sorted, distinct and as teacher forcing scores them",
          "[decode][beam]") {
  const auto spec = GENERATE(from_range(kBeamSpecs));
  const uint64_t seed = GENERATE(5, 6, 7);
  const int64_t beam = GENERATE(2, 5);
  CAPTURE(spec.cell, spec.style, spec.attention, seed, beam);
  auto model = model_for(spec, seed, /*trg_vocab=*/15);
  SearchOptions options;
  options.beam = beam;
  options.nbest = beam;
  options.max_len_a = 0.5;
  options.max_len_b = 3;  // 5, 4 and 6 tokens: short enough that some are cut
  const auto results = run_beam(*model, nmt::test::kThreeSources, options);
  REQUIRE(results.size() == nmt::test::kThreeSources.size());
  for (size_t i = 0; i < nmt::test::kThreeSources.size(); ++i) {
    CAPTURE(i);
    // 15 - 3 = 12 ids may come before </s>: far more outputs than any n-best list.
    REQUIRE(static_cast<int64_t>(results[i].size()) == options.nbest);
    std::set<std::pair<std::vector<int64_t>, bool>> distinct;
    for (size_t r = 0; r < results[i].size(); ++r) {
      CAPTURE(r);
      const auto& h = results[i][r];
      if (r > 0) REQUIRE(results[i][r - 1].score >= h.score);
      distinct.insert({h.ids, h.complete});
      require_consistent(*model, nmt::test::kThreeSources[i], h, options);
    }
    REQUIRE(distinct.size() == results[i].size());
  }
}

TEST_CASE("beam search: a batch gives each sentence what it gets alone", "[decode][beam]") {
  const auto spec = GENERATE(from_range(kBeamSpecs), from_range(every_variant()));
  const uint64_t seed = GENERATE(8, 9);
  // 3 sentences x beam 4 = 12 rows, which the search pads to 16 (decode/search_rows.cpp).
  const size_t count = GENERATE(size_t{3}, nmt::test::kThreeSources.size());
  CAPTURE(spec.cell, spec.style, spec.attention, seed, count);
  auto model = model_for(spec, seed, /*trg_vocab=*/15);
  SearchOptions options;
  options.beam = 4;
  options.nbest = 3;
  const std::vector<std::vector<int64_t>> sources(
      nmt::test::kThreeSources.begin(),
      nmt::test::kThreeSources.begin() + static_cast<long>(count));
  const auto batch = run_beam(*model, sources, options);
  REQUIRE(batch.size() == sources.size());
  for (size_t i = 0; i < sources.size(); ++i) {
    const auto alone = run_beam(*model, {sources[i]}, options);
    REQUIRE(batch[i].size() == alone.front().size());
    for (size_t r = 0; r < batch[i].size(); ++r) {
      CAPTURE(i, r);
      CHECK(batch[i][r].ids == alone.front()[r].ids);
      CHECK(batch[i][r].complete == alone.front()[r].complete);
      CHECK(batch[i][r].score == Approx(alone.front()[r].score).margin(1e-5));
      nmt::test::require_close(batch[i][r].attention, alone.front()[r].attention, 1e-5);
    }
  }
}
