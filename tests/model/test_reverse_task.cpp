// Every attention type learns: on a generated reverse-the-sequence task the training loss
// falls to at most half of its start within a few hundred updates.
#include <catch2/catch.hpp>
#include <random>

#include "attention/registry.h"
#include "model/model_fixtures.h"
#include "model/seq2seq.h"

namespace {

constexpr int64_t kSymbols = 8;  // ids 4..11 after the 4 specials
constexpr int64_t kVocab = 4 + kSymbols;

struct Batch {
  torch::Tensor src, src_len, trg_in, trg_out;
};

// Random sequences x of length 2..6: src = x </s>, trg_in = <s> reverse(x),
// trg_out = reverse(x) </s>.
Batch reverse_batch(std::mt19937& rng, int64_t size) {
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
  Batch b;
  std::tie(b.src, b.src_len) = nmt::test::pad_rows(src);
  b.trg_in = nmt::test::pad_rows(trg_in).first;
  b.trg_out = nmt::test::pad_rows(trg_out).first;
  return b;
}

}  // namespace

TEST_CASE("model: every attention type learns to reverse sequences", "[model][train]") {
  const std::string attention = GENERATE(from_range(nmt::attention_types()));
  CAPTURE(attention);
  torch::manual_seed(3);
  std::mt19937 rng(5);
  auto config = nmt::test::tiny_model_config("gru", 1, "luong", attention);
  config.encoder.embedding_dim = config.decoder.embedding_dim = 16;
  config.encoder.hidden = 16;
  config.decoder.hidden = 32;
  if (attention == "multi_head") config.attention.heads = 2;
  nmt::Seq2Seq model(config, kVocab, kVocab);
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-2));

  auto loss_of = [&](const Batch& b) {
    const auto logits = model->forward(b.src, b.src_len, b.trg_in).logits;  // [B, T, V]
    return torch::nn::functional::cross_entropy(
        logits.reshape({-1, kVocab}), b.trg_out.reshape({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(nmt::kPadId));
  };
  double first = 0, last = 0;
  constexpr int kSteps = 300, kWindow = 20;
  for (int step = 0; step < kSteps; ++step) {
    const auto loss = loss_of(reverse_batch(rng, 32));
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    if (step < kWindow) first += loss.item<double>() / kWindow;
    if (step >= kSteps - kWindow) last += loss.item<double>() / kWindow;
  }
  INFO("mean loss of the first " << kWindow << " steps " << first << ", of the last " << last);
  CHECK(last <= 0.5 * first);
}
