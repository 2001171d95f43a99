// Lexical shortlists: IBM Model 1 against hand-computed EM steps and a corpus whose word
// translations are unambiguous, each batch's vocabulary as the options define it, and search
// over a shortlist against teacher forcing and exhaustive search over the shortlisted pieces.
#include <catch2/catch.hpp>
#include <numeric>

#include "common/errors.h"
#include "data/lexicon.h"
#include "decode/search_test_helpers.h"
#include "decode/shortlist.h"

using nmt::Lexicon;
using nmt::SearchOptions;

namespace {

float probability(const Lexicon& lexicon, int source, int target) {
  for (const auto& [t, p] : lexicon.translations.at(static_cast<size_t>(source))) {
    if (t == target) return p;
  }
  return 0;
}

// German -> English, 4 + id: das 4, Haus 5, Buch 6, ein 7; the 4, house 5, book 6, a 7.
const std::vector<std::vector<int>> kGerman = {{4, 5}, {4, 6}, {7, 6}};
const std::vector<std::vector<int>> kEnglish = {{4, 5}, {4, 6}, {7, 6}};

std::vector<int64_t> ids_of(const torch::Tensor& t) {
  const auto c = t.contiguous();
  return {c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel()};
}

// The log-probs teacher forcing gives `outputs` when the softmax runs over the pieces
// `vocabulary` only, as search with that shortlist normalises them.
std::vector<nmt::test::Scored> forced_over(nmt::Seq2SeqImpl& model, const std::vector<int64_t>& src,
                                           const std::vector<std::vector<int64_t>>& outputs,
                                           const std::vector<int64_t>& vocabulary, double alpha) {
  torch::NoGradGuard no_grad;
  std::vector<std::vector<int64_t>> trg_in;
  for (const auto& y : outputs) {
    trg_in.push_back({nmt::kBosId});
    trg_in.back().insert(trg_in.back().end(), y.begin(), y.end() - 1);
  }
  const auto [src_ids, src_len] =
      nmt::test::pad_rows(std::vector<std::vector<int64_t>>(outputs.size(), src));
  const auto out = model.forward(src_ids, src_len, nmt::test::pad_rows(trg_in).first);
  const auto columns = torch::tensor(vocabulary);
  const auto log_probs =
      torch::log_softmax(out.logits.index_select(-1, columns).to(torch::kDouble), -1);
  std::vector<nmt::test::Scored> scored;
  for (size_t n = 0; n < outputs.size(); ++n) {
    nmt::test::Scored s;
    for (size_t i = 0; i < outputs[n].size(); ++i) {
      const auto column =
          std::find(vocabulary.begin(), vocabulary.end(), outputs[n][i]) - vocabulary.begin();
      s.token_log_probs.push_back(
          log_probs[static_cast<int64_t>(n)][static_cast<int64_t>(i)][column].item<double>());
      s.log_prob += s.token_log_probs.back();
    }
    s.score = s.log_prob / nmt::length_penalty(static_cast<int64_t>(outputs[n].size()), alpha);
    scored.push_back(s);
  }
  return scored;
}

// A lexicon over 16 source and 9 target ids: 7 -> 4, 6; 9 -> 6, 8; 12 -> 8; frequency 5, 4.
Lexicon hand_lexicon() {
  Lexicon lexicon;
  lexicon.translations.resize(16);
  lexicon.translations[7] = {{4, 0.6f}, {6, 0.3f}};
  lexicon.translations[9] = {{6, 0.5f}, {8, 0.4f}};
  lexicon.translations[12] = {{8, 0.9f}};
  lexicon.frequent = {{5, 0.4f}, {4, 0.2f}};
  return lexicon;
}

}  // namespace

TEST_CASE(
    "lexicon: one EM iteration shares each target token equally among its source "
    "positions and NULL",
    "[decode][shortlist]") {
  nmt::LexiconOptions options;
  options.iterations = 1;
  const auto lexicon = nmt::train_lexicon(kGerman, kEnglish, 8, 8, options);
  // das is in pairs 1 and 2 (3 candidates each: das, the other word, NULL): the 1/3 + 1/3,
  // house 1/3, book 1/3, out of 4/3.
  CHECK(probability(lexicon, 4, 4) == Approx(0.5));
  CHECK(probability(lexicon, 4, 5) == Approx(0.25));
  CHECK(probability(lexicon, 4, 6) == Approx(0.25));
  CHECK(probability(lexicon, 4, 7) == 0);  // never seen together
  // Buch: pairs 2 and 3: the 1/3, book 2/3, a 1/3.
  CHECK(probability(lexicon, 6, 6) == Approx(0.5));
  CHECK(probability(lexicon, 6, 7) == Approx(0.25));
  // Likeliest first, ties by id.
  REQUIRE(lexicon.translations[4].size() == 3);
  CHECK(lexicon.translations[4][0].first == 4);
  CHECK(lexicon.translations[4][1].first == 5);
  // The frequency list: the and book 2 of 6 tokens each, house and a 1 of 6.
  REQUIRE(lexicon.frequent.size() == 4);
  CHECK(lexicon.frequent[0].first == 4);
  CHECK(lexicon.frequent[0].second == Approx(1.0 / 3));
  CHECK(lexicon.frequent[1].first == 6);
  CHECK(lexicon.frequent[2].first == 5);
  CHECK(lexicon.frequent[3].second == Approx(1.0 / 6));
}

TEST_CASE("lexicon: EM finds the word translations where the corpus makes them unambiguous",
          "[decode][shortlist]") {
  nmt::LexiconOptions options;
  options.iterations = 20;
  options.per_source = 2;
  const auto lexicon = nmt::train_lexicon(kGerman, kEnglish, 8, 8, options);
  for (int word = 4; word < 8; ++word) {
    CAPTURE(word);
    REQUIRE(lexicon.translations[static_cast<size_t>(word)].size() == 2);  // --keep
    CHECK(lexicon.translations[static_cast<size_t>(word)].front().first == word);
    CHECK(probability(lexicon, word, word) > 0.6);
  }
  // Probabilities of a source word sum to at most 1 (NULL's share and the cut-off tail aside).
  const auto& das = lexicon.translations[4];
  CHECK(das[0].second + das[1].second <= 1.0 + 1e-6);
  CHECK_THROWS_AS(nmt::train_lexicon({{4, 8}}, {{4}}, 8, 8, options), nmt::Error);
}

TEST_CASE(
    "shortlist: a batch's vocabulary is </s>, the frequent pieces and each source "
    "piece's likeliest translations",
    "[decode][shortlist]") {
  const nmt::Shortlist one({hand_lexicon()}, {/*per_source=*/1, /*frequent=*/1}, 9);
  // Source 7 and 12 (with padding and </s>): </s> 3, frequent 5, 7 -> 4, 12 -> 8.
  const auto src = torch::tensor({int64_t{7}, int64_t{12}, int64_t{nmt::kEosId}, int64_t{7},
                                  int64_t{nmt::kPadId}, int64_t{nmt::kPadId}})
                       .view({2, 3});
  CHECK(ids_of(one.vocabulary(src)) == std::vector<int64_t>{3, 4, 5, 8});
  const nmt::Shortlist two({hand_lexicon()}, {/*per_source=*/2, /*frequent=*/0}, 9);
  CHECK(ids_of(two.vocabulary(src)) == std::vector<int64_t>{3, 4, 6, 8});
  const auto nine = torch::tensor({int64_t{9}}).view({1, 1});
  CHECK(ids_of(two.vocabulary(nine)) == std::vector<int64_t>{3, 6, 8});
  // A lexicon naming <pad> or <s> never puts them in.
  auto odd = hand_lexicon();
  odd.frequent = {{nmt::kPadId, 0.5f}, {nmt::kBosId, 0.3f}};
  const nmt::Shortlist none_special(std::move(odd), {0, 5}, 9);
  CHECK(ids_of(none_special.vocabulary(nine)) == std::vector<int64_t>{3});
  CHECK_THROWS_AS(nmt::Shortlist(hand_lexicon(), {-1, 5}, 9), nmt::ConfigError);
}

TEST_CASE("shortlist: greedy search takes the best shortlisted piece after the ones before it",
          "[decode][shortlist]") {
  const uint64_t seed = GENERATE(1, 2, 3);
  const auto attention = GENERATE(as<std::string>{}, "mlp", "dot");
  CAPTURE(seed, attention);
  auto model =
      nmt::test::search_model("gru", 1, nmt::DecoderStyle::luong, attention, seed, /*trg_vocab=*/9);
  const nmt::Shortlist shortlist(hand_lexicon(), {2, 1}, 9);
  const std::vector<std::vector<int64_t>> sources = {{7, 9, nmt::kEosId}, {12, nmt::kEosId}};
  const auto [src, src_len] = nmt::test::pad_rows(sources);
  const auto vocabulary = ids_of(shortlist.vocabulary(src));
  REQUIRE(vocabulary == std::vector<int64_t>{3, 4, 5, 6, 8});
  nmt::ModelScorer scorer(*model, &shortlist);
  SearchOptions options;
  options.max_len_a = 2;
  options.max_len_b = 2;
  const auto results = nmt::search(scorer, src, src_len, options);
  for (size_t i = 0; i < sources.size(); ++i) {
    CAPTURE(i);
    const auto& h = results[i].front();
    const auto tokens = nmt::test::emitted(h.ids, h.complete);
    for (const auto token : tokens) {
      CHECK(std::find(vocabulary.begin(), vocabulary.end(), token) != vocabulary.end());
    }
    // Each token beats every other shortlisted piece at its step.
    for (size_t t = 0; t < tokens.size(); ++t) {
      const auto prefix =
          std::vector<int64_t>(tokens.begin(), tokens.begin() + static_cast<long>(t));
      std::vector<std::vector<int64_t>> choices;
      for (const auto piece : vocabulary) {
        choices.push_back(prefix);
        choices.back().push_back(piece);
      }
      const auto scored = forced_over(*model, sources[i], choices, vocabulary, 0.0);
      const auto chosen =
          std::find(vocabulary.begin(), vocabulary.end(), tokens[t]) - vocabulary.begin();
      for (size_t k = 0; k < vocabulary.size(); ++k) {
        CAPTURE(t, k);
        CHECK(scored[static_cast<size_t>(chosen)].token_log_probs.back() >=
              scored[k].token_log_probs.back());
      }
    }
    const auto forced = forced_over(*model, sources[i], {tokens}, vocabulary, options.alpha);
    CHECK(h.score == Approx(forced.front().score).margin(1e-5));
  }
}

TEST_CASE("shortlist: a wide beam equals exhaustive search over the shortlisted pieces",
          "[decode][shortlist]") {
  const uint64_t seed = GENERATE(1, 2);
  const double alpha = GENERATE(0.0, 1.0);
  CAPTURE(seed, alpha);
  constexpr int64_t kVocab = 9;
  auto model = nmt::test::search_model("gru", 1, nmt::DecoderStyle::luong, "mlp", seed, kVocab);
  const nmt::Shortlist shortlist(hand_lexicon(), {1, 1}, kVocab);
  const std::vector<std::vector<int64_t>> sources = {{7, 12, nmt::kEosId}};
  const auto [src, src_len] = nmt::test::pad_rows(sources);
  const auto vocabulary = ids_of(shortlist.vocabulary(src));
  REQUIRE(vocabulary == std::vector<int64_t>{3, 4, 5, 8});
  nmt::ModelScorer scorer(*model, &shortlist);
  SearchOptions options;
  options.beam = 40;  // 3 pieces may precede </s>: at most 3 + 9 + 27 candidates a step
  options.nbest = 5;
  options.alpha = alpha;
  options.max_len_a = 1;
  options.max_len_b = 0;  // 3 tokens at most
  const auto nbest = nmt::search(scorer, src, src_len, options).front();
  // Every output of shortlisted pieces, scored with the softmax over the shortlist.
  std::vector<std::vector<int64_t>> outputs;
  for (const auto& y : nmt::test::all_outputs(kVocab, 3)) {
    if (std::all_of(y.begin(), y.end(), [&](int64_t id) {
          return std::find(vocabulary.begin(), vocabulary.end(), id) != vocabulary.end();
        })) {
      outputs.push_back(y);
    }
  }
  const auto scored = forced_over(*model, sources[0], outputs, vocabulary, alpha);
  std::vector<size_t> order(outputs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return scored[a].score > scored[b].score; });
  REQUIRE(static_cast<int64_t>(nbest.size()) == options.nbest);
  for (size_t r = 0; r < nbest.size(); ++r) {
    CAPTURE(r);
    REQUIRE(scored[order[r]].score - scored[order[r + 1]].score > 1e-6);  // no near-ties
    CHECK(nmt::test::emitted(nbest[r].ids, nbest[r].complete) == outputs[order[r]]);
    CHECK(nbest[r].score == Approx(scored[order[r]].score).margin(1e-5));
  }
}

TEST_CASE("shortlist: with every piece shortlisted, greedy search outputs what it does without",
          "[decode][shortlist]") {
  const uint64_t seed = GENERATE(1, 2, 3);
  CAPTURE(seed);
  constexpr int64_t kVocab = 9;
  auto model =
      nmt::test::search_model("lstm", 2, nmt::DecoderStyle::bahdanau, "cosine", seed, kVocab);
  Lexicon everything;
  everything.translations.resize(16);
  for (int32_t t = 0; t < kVocab; ++t) everything.frequent.emplace_back(t, 0.1f);
  const nmt::Shortlist shortlist(std::move(everything), {0, kVocab}, kVocab);
  const std::vector<std::vector<int64_t>> sources = {
      {5, 9, 4, 11, nmt::kEosId}, {8, nmt::kEosId}, {12, 4, 4, 10, 6, 7, nmt::kEosId}};
  const auto [src, src_len] = nmt::test::pad_rows(sources);
  SearchOptions options;
  options.max_len_b = 4;
  nmt::ModelScorer full(*model), shortlisted(*model, &shortlist);
  const auto a = nmt::search(full, src, src_len, options);
  const auto b = nmt::search(shortlisted, src, src_len, options);
  for (size_t i = 0; i < sources.size(); ++i) {
    CAPTURE(i);
    CHECK(b[i].front().ids == a[i].front().ids);
    CHECK(b[i].front().complete == a[i].front().complete);
    // Without <pad> and <s> in the softmax, every log-prob is at least the full one.
    CHECK(b[i].front().score >= a[i].front().score - 1e-6);
  }
}
