// Every attention type learns: on a generated reverse-the-sequence task the training loss
// falls to at most half of its start within a few hundred updates.
#include <catch2/catch.hpp>
#include <random>

#include "attention/registry.h"
#include "data/batch.h"
#include "model/model_fixtures.h"
#include "model/seq2seq.h"
#include "train/loss.h"
#include "train/objective.h"

namespace {

constexpr int64_t kSymbols = 8;  // ids 4..11 after the 4 specials
constexpr int64_t kVocab = 4 + kSymbols;

// Random sequences x of length 2..6: src = x </s>, trg_in = <s> reverse(x),
// trg_out = reverse(x) </s>.
nmt::Batch reverse_batch(std::mt19937& rng, int64_t size) {
  std::uniform_int_distribution<int64_t> len(2, 6), sym(4, kVocab - 1);
  std::vector<std::vector<int64_t>> src, trg_in, trg_out;
  for (int64_t i = 0; i < size; ++i) {
    std::vector<int64_t> x(len(rng));
    for (auto& v : x) v = sym(rng);
    std::vector<int64_t> r(x.rbegin(), x.rend());
    src.push_back(x);
    src.back().push_back(nmt::kEosId);
    trg_in.push_back({nmt::kBosId});
    trg_in.back().insert(trg_in.back().end(), r.begin(), r.end());
    trg_out.push_back(r);
    trg_out.back().push_back(nmt::kEosId);
  }
  nmt::Batch b;
  std::tie(b.src, b.src_lengths) = nmt::test::pad_rows(src);
  b.trg_in = nmt::test::pad_rows(trg_in).first;
  b.trg_out = nmt::test::pad_rows(trg_out).first;
  b.trg_tokens = b.trg_out.ne(nmt::kPadId).sum().item<int64_t>();
  return b;
}

// Trains `config` for 300 updates (with hard attention's REINFORCE term, as `nmt train` does) and
// checks that the mean loss of the last 20 is at most half that of the first 20.
void require_loss_halves(const nmt::ModelConfig& config,
                         const nmt::ObjectiveWeights& weights = {}) {
  torch::manual_seed(3);
  std::mt19937 rng(5);
  nmt::Seq2Seq model(config, kVocab, kVocab);
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-2));
  double first = 0, last = 0;
  constexpr int kSteps = 300, kWindow = 20;
  for (int step = 0; step < kSteps; ++step) {
    const auto b = reverse_batch(rng, 32);
    const auto objective = nmt::training_objective(*model, b, weights);
    optimizer.zero_grad();
    (objective.value / static_cast<double>(b.trg_tokens)).backward();
    optimizer.step();
    const double mean = objective.loss.nll.item<double>() / static_cast<double>(b.trg_tokens);
    if (step < kWindow) first += mean / kWindow;
    if (step >= kSteps - kWindow) last += mean / kWindow;
  }
  INFO("mean loss of the first " << kWindow << " steps " << first << ", of the last " << last);
  CHECK(last <= 0.5 * first);
}

nmt::ModelConfig reverse_task_config(const std::string& attention) {
  auto config = nmt::test::tiny_model_config("gru", 1, nmt::DecoderStyle::luong, attention);
  config.encoder.embedding_dim = config.decoder.embedding_dim = 16;
  config.encoder.hidden = 16;
  config.decoder.hidden = 32;
  if (attention == "multi_head") config.attention.heads = 2;
  config.attention.window = 3;  // local_m, local_p: narrower than most sentences
  return config;
}

}  // namespace

TEST_CASE("model: every attention type learns to reverse sequences", "[model][train][slow]") {
  const std::string attention = GENERATE(from_range(nmt::attention_types()));
  CAPTURE(attention);
  require_loss_halves(reverse_task_config(attention));
}

TEST_CASE("model: the transformer encoder learns to reverse sequences", "[model][train][slow]") {
  auto config = reverse_task_config("mlp");
  config.encoder.type = "transformer";
  config.encoder.embedding_dim = config.encoder.hidden = 16;
  config.encoder.heads = 2;
  config.encoder.ff_size = 32;
  config.encoder.layers = 2;
  require_loss_halves(config);
}

TEST_CASE("model: sparsemax and entmax15 attention learn to reverse sequences",
          "[model][train][slow]") {
  const std::string normalizer = GENERATE("sparsemax", "entmax15");
  CAPTURE(normalizer);
  auto config = reverse_task_config("mlp");
  config.attention.normalizer = normalizer;
  require_loss_halves(config);
}

TEST_CASE("model: coverage attention learns to reverse sequences with the coverage loss",
          "[model][train][slow]") {
  require_loss_halves(reverse_task_config("coverage"), {/*label_smoothing=*/0, /*coverage=*/1});
}

TEST_CASE("objective: the coverage loss enters with its weight", "[model][train]") {
  torch::manual_seed(9);
  std::mt19937 rng(9);
  nmt::Seq2Seq model(reverse_task_config("coverage"), kVocab, kVocab);
  model->eval();  // no dropout: the same forward pass three times
  const auto b = reverse_batch(rng, 4);
  const auto plain = nmt::training_objective(*model, b, {});
  const auto weighted = nmt::training_objective(*model, b, {0, 2.5});
  REQUIRE_FALSE(plain.coverage.defined());
  const auto out = model->forward(b.src, b.src_lengths, b.trg_in);
  const double expected = nmt::coverage_loss(out.weights, b.trg_out.ne(nmt::kPadId)).item<double>();
  REQUIRE(expected > 0.1);
  REQUIRE(weighted.coverage.item<double>() == Approx(expected).epsilon(1e-6));
  REQUIRE(weighted.value.item<double>() ==
          Approx(plain.value.item<double>() + 2.5 * expected).epsilon(1e-6));
}
