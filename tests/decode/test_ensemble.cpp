// Ensembles: a model with itself is the model, bit for bit; a step of two models is the
// mixture of their probabilities computed by hand; every beam hypothesis scores what the two
// models (of one type, or an RNN and a Transformer) say of it when they read it (teacher
// forcing).
#include <catch2/catch.hpp>
#include <cmath>

#include "common/errors.h"
#include "decode/ensemble_scorer.h"
#include "decode/search_test_helpers.h"
#include "support/tensor_asserts.h"

using nmt::EnsembleScorer;
using nmt::Hypothesis;
using nmt::ModelScorer;
using nmt::Scorer;
using nmt::SearchOptions;

namespace {

std::vector<std::vector<Hypothesis>> run(Scorer& scorer, const SearchOptions& options) {
  const auto [src, src_len] = nmt::test::pad_rows(nmt::test::kThreeSources);
  return nmt::search(scorer, src, src_len, options);
}

std::unique_ptr<EnsembleScorer> ensemble_of(nmt::Seq2SeqImpl& a, nmt::Seq2SeqImpl& b) {
  std::vector<std::unique_ptr<Scorer>> members;
  members.push_back(std::make_unique<ModelScorer>(a));
  members.push_back(std::make_unique<ModelScorer>(b));
  return std::make_unique<EnsembleScorer>(std::move(members));
}

// Fixed next-token probabilities and attention for every row; records the rows it keeps.
class FixedScorer : public Scorer {
 public:
  FixedScorer(std::vector<double> probs, std::vector<float> attention)
      : probs_(std::move(probs)), attention_(std::move(attention)) {}
  void start(const torch::Tensor& src, const torch::Tensor&) override { rows_ = src.size(0); }
  nmt::ScorerStep step(const torch::Tensor&, int64_t) override {
    const auto p = torch::tensor(probs_, torch::kFloat).log().expand({rows_, -1});
    const auto w = torch::tensor(attention_).expand({rows_, -1});
    return {p.contiguous(), w.contiguous()};
  }
  void reorder(const torch::Tensor& rows) override {
    kept.push_back(rows.clone());
    rows_ = rows.size(0);
  }
  torch::Device device() const override { return torch::kCPU; }
  std::vector<torch::Tensor> kept;

 private:
  std::vector<double> probs_;
  std::vector<float> attention_;
  int64_t rows_ = 0;
};

}  // namespace

TEST_CASE("ensemble: a model with itself gives exactly its translations scores and attention",
          "[decode][ensemble]") {
  const auto variant = GENERATE(from_range(nmt::test::model_variants()));
  const int64_t beam = GENERATE(1, 4);
  CAPTURE(variant, beam);
  auto model = nmt::test::search_model("gru", 1, nmt::DecoderStyle::luong, variant, /*seed=*/5,
                                       /*trg_vocab=*/12);
  SearchOptions options;
  options.beam = beam;
  options.nbest = beam;
  ModelScorer alone(*model);
  const auto expected = run(alone, options);
  const auto twice = ensemble_of(*model, *model);
  const auto got = run(*twice, options);
  REQUIRE(got.size() == expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    REQUIRE(got[i].size() == expected[i].size());
    for (size_t k = 0; k < got[i].size(); ++k) {
      CAPTURE(i, k);
      CHECK(got[i][k].ids == expected[i][k].ids);
      CHECK(got[i][k].score == expected[i][k].score);
      CHECK(got[i][k].complete == expected[i][k].complete);
      CHECK(torch::equal(got[i][k].attention, expected[i][k].attention));
    }
  }
}

TEST_CASE("ensemble: one step is the hand-computed mixture", "[decode][ensemble]") {
  SECTION("fixed members: log of the mean probability and the mean attention") {
    std::vector<std::unique_ptr<Scorer>> members;
    members.push_back(std::make_unique<FixedScorer>(std::vector<double>{0, 0, .5, .25, .25},
                                                    std::vector<float>{1, 0}));
    members.push_back(std::make_unique<FixedScorer>(std::vector<double>{0, 0, .1, .6, .3},
                                                    std::vector<float>{.5, .5}));
    auto* a = static_cast<FixedScorer*>(members[0].get());
    auto* b = static_cast<FixedScorer*>(members[1].get());
    EnsembleScorer ensemble(std::move(members));
    ensemble.start(torch::zeros({2, 2}, torch::kLong), torch::full({2}, 2, torch::kLong));
    const auto step = ensemble.step(torch::full({2}, nmt::kBosId, torch::kLong), 0);
    // Ids 0 and 1 have probability 0 in both: -inf, not NaN.
    const auto never = step.log_probs.slice(/*dim=*/1, 0, 2);
    CHECK((torch::isinf(never) & (never < 0)).all().item<bool>());
    const auto expected =
        torch::tensor({std::log(.3), std::log(.425), std::log(.275)}).expand({2, -1});
    nmt::test::require_close(step.log_probs.slice(/*dim=*/1, 2), expected, 1e-6);
    nmt::test::require_close(step.attention, torch::tensor({.75F, .25F}).expand({2, -1}), 1e-7);
    const auto rows = torch::tensor({1, 1, 0}, torch::kLong);
    ensemble.reorder(rows);
    REQUIRE(a->kept.size() == 1);
    REQUIRE(b->kept.size() == 1);
    CHECK(torch::equal(a->kept[0], rows));
    CHECK(torch::equal(b->kept[0], rows));
  }

  SECTION("two models: the first step against their teacher-forced distributions") {
    auto m1 =
        nmt::test::search_model("lstm", 1, nmt::DecoderStyle::luong, "coverage", /*seed=*/1, 10);
    auto m2 =
        nmt::test::search_model("lstm", 1, nmt::DecoderStyle::luong, "coverage", /*seed=*/2, 10);
    const auto [src, src_len] = nmt::test::pad_rows(nmt::test::kThreeSources);
    torch::NoGradGuard no_grad;
    const auto bos = torch::full({static_cast<int64_t>(nmt::test::kThreeSources.size()), 1},
                                 nmt::kBosId, torch::kLong);
    const auto p1 = torch::softmax(m1->forward(src, src_len, bos).logits.to(torch::kDouble), -1);
    const auto p2 = torch::softmax(m2->forward(src, src_len, bos).logits.to(torch::kDouble), -1);
    const auto expected = ((p1 + p2) / 2).log().select(1, 0);  // [B, V]
    const auto ensemble = ensemble_of(*m1, *m2);
    ensemble->start(src, src_len);
    const auto step = ensemble->step(bos.select(1, 0), 0);
    nmt::test::require_close(step.log_probs.to(torch::kDouble), expected, 1e-5);
  }

  SECTION("members that score different vocabularies are refused") {
    auto m1 = nmt::test::search_model("gru", 1, nmt::DecoderStyle::luong, "mlp", /*seed=*/1, 10);
    auto m2 = nmt::test::search_model("gru", 1, nmt::DecoderStyle::luong, "mlp", /*seed=*/1, 11);
    const auto [src, src_len] = nmt::test::pad_rows(nmt::test::kThreeSources);
    const auto ensemble = ensemble_of(*m1, *m2);
    torch::NoGradGuard no_grad;
    ensemble->start(src, src_len);
    CHECK_THROWS_WITH(ensemble->step(torch::full({3}, nmt::kBosId, torch::kLong), 0),
                      Catch::Contains("model 2 scores 11 target pieces, model 1 10"));
  }
}

TEST_CASE("ensemble: beam hypotheses score the teacher-forced mixture of both models",
          "[decode][ensemble]") {
  // Pairs of one type, and an RNN (mlp attention) with a Transformer over one vocabulary.
  const auto [first, second] =
      GENERATE(table<std::string, std::string>({{"coverage", "coverage"},
                                                {"multi_head", "multi_head"},
                                                {"local_p", "local_p"},
                                                {"mlp", "transformer"}}));
  CAPTURE(first, second);
  auto m1 = nmt::test::search_model("gru", 1, nmt::DecoderStyle::luong, first, /*seed=*/3, 9);
  auto m2 = nmt::test::search_model("gru", 1, nmt::DecoderStyle::luong, second, /*seed=*/4, 9);
  SearchOptions options;
  options.beam = 3;
  options.nbest = 3;
  const auto ensemble = ensemble_of(*m1, *m2);
  const auto results = run(*ensemble, options);
  REQUIRE(results.size() == nmt::test::kThreeSources.size());
  for (size_t i = 0; i < nmt::test::kThreeSources.size(); ++i) {
    REQUIRE_FALSE(results[i].empty());
    std::vector<std::vector<int64_t>> outputs;
    for (const auto& h : results[i]) outputs.push_back(nmt::test::emitted(h.ids, h.complete));
    const auto a =
        nmt::test::teacher_force(*m1, nmt::test::kThreeSources[i], outputs, options.alpha);
    const auto b =
        nmt::test::teacher_force(*m2, nmt::test::kThreeSources[i], outputs, options.alpha);
    for (size_t k = 0; k < outputs.size(); ++k) {
      CAPTURE(i, k);
      double sum = 0;
      for (size_t t = 0; t < outputs[k].size(); ++t) {
        sum +=
            std::log((std::exp(a[k].token_log_probs[t]) + std::exp(b[k].token_log_probs[t])) / 2);
      }
      const auto length = static_cast<int64_t>(outputs[k].size());
      CHECK(results[i][k].score ==
            Approx(sum / nmt::length_penalty(length, options.alpha)).margin(1e-4));
      nmt::test::require_close(results[i][k].attention,
                               ((a[k].attention + b[k].attention) / 2).to(torch::kFloat), 1e-5);
    }
  }
}
