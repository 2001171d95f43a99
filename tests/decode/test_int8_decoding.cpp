// Decoding in int8 (`--precision int8`): a trained model gives the same greedy translations as
// in fp32 and scores a reading to within quantization error, search still gets fp32
// log-probs and attention, and `nmt translate` says what it chose.
#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <iterator>
#include <sstream>

#include "common/int8_matmuls.h"
#include "common/precision.h"
#include "decode/translator.h"
#include "support/one_line_error.h"
#include "train/train_fixtures.h"

using nmt::Precision;

namespace {

// The tiny reverse-the-words model, a little wider, trained until it reverses (about 6 s), so
// that its greedy choices are not near-ties that any rounding would flip.
std::string train_reversing_model(const nmt::test::TempDir& dir) {
  nmt::test::write_reverse_corpus(dir, 400, 0);
  const auto config = dir.file("c.yaml");
  nmt::test::write_text(config, nmt::test::tiny_train_yaml(dir, dir.file("model"), false));
  const auto r = nmt::test::run_command(
      nmt::test::nmt_binary() + " train '" + config +
      "' --set train.max_steps=700 --set train.precision=fp32 --set train.batch_tokens=128"
      " --set model.encoder.embedding_dim=16 --set model.decoder.embedding_dim=16"
      " --set model.encoder.hidden=32 --set model.decoder.hidden=32");
  INFO(r.output);
  REQUIRE(r.status == 0);
  return dir.file("model");
}

}  // namespace

TEST_CASE("int8: a trained model translates as in fp32", "[decode][int8]") {
  nmt::test::TempDir dir;
  const auto model = train_reversing_model(dir);
  nmt::Translator fp32({model}, {}, torch::kCPU, Precision::fp32);
  nmt::Translator int8({model}, {}, torch::kCPU, Precision::int8);
  const std::vector<std::string> sources = {
      "red dog",       "cat sun tree boat", "blue car",      "car car red boat sun",
      "tree boat sun", "dog dog cat",       "sun blue red",  "boat car tree dog cat",
      "red red",       "cat tree",          "blue sun boat", "dog car"};

  nmt::SearchOptions greedy;
  greedy.beam = 1;
  const auto exact = fp32.translate(sources, greedy, 4);
  const auto quantized = int8.translate(sources, greedy, 4);
  int reversed = 0;
  for (size_t i = 0; i < sources.size(); ++i) {
    INFO("line " << i << ": " << sources[i]);
    CHECK(quantized[i].texts.front() == exact[i].texts.front());
    CHECK(quantized[i].hypotheses.front().score ==
          Approx(exact[i].hypotheses.front().score).epsilon(0.05).margin(0.05));
    std::istringstream words(sources[i]);
    std::vector<std::string> backwards{std::istream_iterator<std::string>(words), {}};
    std::string expected;
    for (auto w = backwards.rbegin(); w != backwards.rend(); ++w) {
      expected += (expected.empty() ? "" : " ") + *w;
    }
    reversed += exact[i].texts.front() == expected;
  }
  CHECK(reversed >= 10);  // the model has learnt the task: its choices are not near-ties

  // An ensemble of the model with itself: the same distribution, so the same translations.
  nmt::Translator twice({model, model}, {}, torch::kCPU, Precision::int8);
  const auto ensembled = twice.translate(sources, greedy, 4);
  for (size_t i = 0; i < sources.size(); ++i) {
    CHECK(ensembled[i].texts.front() == quantized[i].texts.front());
  }

  // Beam search with attention: fp32 distributions for the search and the caller.
  nmt::SearchOptions beam;
  beam.beam = 3;
  beam.attention = true;
  const auto searched = int8.translate(sources, beam, 5);
  for (const auto& t : searched) {
    const auto& best = t.hypotheses.front();
    REQUIRE(best.attention.scalar_type() == torch::kFloat);
    CHECK(torch::allclose(best.attention.sum(-1), torch::ones({best.attention.size(0)}), 0, 1e-4));
    CHECK(std::isfinite(best.score));
  }
  CHECK_FALSE(nmt::int8_active());  // the scope ended with the search

  // A forced reading: the same scores to quantization error, but not equal.
  const auto read = fp32.force(sources, sources, 5);
  const auto read_int8 = int8.force(sources, sources, 5);
  int differ = 0;
  for (size_t i = 0; i < sources.size(); ++i) {
    const auto e = read[i].hypotheses.front().score, q = read_int8[i].hypotheses.front().score;
    CHECK(q == Approx(e).epsilon(0.05).margin(0.1));
    differ += q != e;
  }
  CHECK(differ > 0);
}

TEST_CASE("int8: --precision int8 of nmt translate and align", "[decode][int8][translate]") {
  nmt::test::TempDir dir;
  const auto model = nmt::test::train_tiny_model(dir);
  nmt::test::write_text(dir.file("in.txt"), "red dog\ncat sun\n");
  const auto args = " --model '" + model + "' --input '" + dir.file("in.txt") + "'";
  const auto translated = nmt::test::run_nmt("translate" + args + " --precision int8");
  INFO(translated.output);
  REQUIRE(translated.status == 0);
  CHECK_THAT(translated.output, Catch::Contains("precision: int8 matmuls (--precision"));
  const auto aligned =
      nmt::test::run_nmt("align" + args + " --reference '" + dir.file("in.txt") +
                         "' --precision int8 --output '" + dir.file("a.txt") + "'");
  INFO(aligned.output);
  CHECK(aligned.status == 0);
  CHECK_THAT(nmt::test::require_one_line_error(
                 nmt::test::run_nmt("translate" + args + " --precision int8 --device cuda")),
             Catch::Contains("--device") || Catch::Contains("int8"));
}
