// Subword models: trained from a small corpus, special ids fixed, text round-trips, reused
// when present, and a vocabulary-size mismatch is reported.
#include <catch2/catch.hpp>
#include <filesystem>
#include <random>

#include "common/config.h"
#include "common/errors.h"
#include "data/corpus.h"
#include "data/vocab.h"
#include "support/temp_dir.h"

using Catch::Contains;

namespace {

// A small corpus of sentences drawn from a fixed word list.
std::vector<std::string> make_sentences(int n, unsigned seed) {
  static const std::vector<std::string> words = {
      "the",  "a",   "man", "woman",  "dog",   "runs", "sits", "on",       "green", "grass",
      "with", "red", "hat", "street", "plays", "ball", "two",  "children", "near",  "water"};
  std::mt19937 rng(seed);
  std::uniform_int_distribution<size_t> pick(0, words.size() - 1);
  std::uniform_int_distribution<int> len(3, 10);
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::string s;
    for (int k = len(rng); k > 0; --k) s += (s.empty() ? "" : " ") + words[pick(rng)];
    out.push_back(s + ".");
  }
  return out;
}

nmt::DataConfig small_data_config(bool joint) {
  nmt::DataConfig d;
  d.src = "en";
  d.trg = "xx";
  d.subwords.vocab_size = 40;
  d.subwords.joint = joint;
  return d;
}

}  // namespace

TEST_CASE("vocab: a trained model round-trips text and has fixed special ids", "[data][vocab]") {
  nmt::test::TempDir dir;
  nmt::ParallelCorpus corpus;
  corpus.src = make_sentences(300, 1);
  corpus.trg = make_sentences(300, 2);
  const auto type = GENERATE(nmt::SubwordType::unigram, nmt::SubwordType::bpe);
  auto data = small_data_config(/*joint=*/true);
  data.subwords.type = type;
  const auto vocabs = nmt::prepare_vocabs(data, dir.path().string(), corpus);
  REQUIRE(vocabs.src == vocabs.trg);
  CHECK(vocabs.src->size() == 40);
  CHECK(vocabs.src->piece(nmt::kUnkId) == "<unk>");
  CHECK(vocabs.src->piece(nmt::kPadId) == "<pad>");
  CHECK(vocabs.src->piece(nmt::kBosId) == "<s>");
  CHECK(vocabs.src->piece(nmt::kEosId) == "</s>");

  for (const auto& s : {corpus.src[0], corpus.trg[7], std::string("the dog plays near water.")}) {
    const auto ids = vocabs.src->encode(s);
    REQUIRE_FALSE(ids.empty());
    for (int id : ids) CHECK(id > nmt::kEosId);  // no specials from plain text
    CHECK(vocabs.src->decode(ids) == s);
  }
  // Specials are dropped when decoding.
  auto ids = vocabs.src->encode("a red hat.");
  ids.insert(ids.begin(), nmt::kBosId);
  ids.push_back(nmt::kEosId);
  CHECK(vocabs.src->decode(ids) == "a red hat.");
}

TEST_CASE("vocab: models are reused when present and checked against the config", "[data][vocab]") {
  nmt::test::TempDir dir;
  nmt::ParallelCorpus corpus;
  corpus.src = make_sentences(200, 3);
  corpus.trg = make_sentences(200, 4);
  auto data = small_data_config(/*joint=*/false);
  const auto first = nmt::prepare_vocabs(data, dir.path().string(), corpus);
  CHECK(first.src != first.trg);
  const auto files = nmt::subword_model_files(data, dir.path().string());
  REQUIRE(files == std::vector<std::string>{dir.file("spm.en.model"), dir.file("spm.xx.model")});
  const auto stamp = std::filesystem::last_write_time(files[0]);

  // Reused: a different corpus does not retrain it.
  nmt::ParallelCorpus other;
  other.src = make_sentences(200, 5);
  other.trg = make_sentences(200, 6);
  const auto again = nmt::prepare_vocabs(data, dir.path().string(), other);
  CHECK(std::filesystem::last_write_time(files[0]) == stamp);
  CHECK(again.src->encode(corpus.src[3]) == first.src->encode(corpus.src[3]));

  data.subwords.vocab_size = 36;
  REQUIRE_THROWS_WITH(nmt::prepare_vocabs(data, dir.path().string(), corpus),
                      Contains(files[0] + ": has 40 pieces but data.subwords.vocab_size is 36"));
}

TEST_CASE("vocab: a vocabulary too large for the corpus is a clear error", "[data][vocab]") {
  nmt::test::TempDir dir;
  nmt::ParallelCorpus corpus;
  corpus.src = {"tiny corpus."};
  corpus.trg = {"winzig."};
  auto data = small_data_config(/*joint=*/true);
  data.subwords.vocab_size = 5000;
  REQUIRE_THROWS_WITH(nmt::prepare_vocabs(data, dir.path().string(), corpus),
                      Contains("cannot train subword model (data.subwords.vocab_size=5000)"));
}
