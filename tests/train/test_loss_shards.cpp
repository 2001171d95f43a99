// The output layer and the loss run in shards of target tokens (backward_update, dev loss):
// the same loss, token losses and gradients as the whole-batch definition (training_objective),
// for any shard size, with padding, label smoothing, coverage, hard attention's REINFORCE term
// and a tied output layer.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "data/batch.h"
#include "model/model_fixtures.h"
#include "model/seq2seq.h"
#include "train/loss.h"
#include "train/objective.h"

namespace {

nmt::EncodedCorpus ragged_corpus() {
  nmt::EncodedCorpus corpus;  // target lengths 2 to 5 (with </s>): padding in every batch
  corpus.src = {{5, 6, 7}, {8, 9}, {10, 11, 12, 13}, {14}, {6, 6, 9, 5, 4}};
  corpus.trg = {{7, 8}, {9, 10, 11}, {12}, {13, 14, 5, 6}, {4, 9}};
  return corpus;
}

nmt::Seq2Seq seeded_model(const std::string& attention, bool tied) {
  torch::manual_seed(5);  // the same weights for every call
  auto config = nmt::test::tiny_model_config("gru", 1, nmt::DecoderStyle::luong, attention);
  if (tied) {
    config.decoder.embedding_dim = config.decoder.hidden;
    config.decoder.tied_embeddings = true;
  }
  nmt::Seq2Seq model(config, 16, 16);
  model->train();
  return model;
}

torch::Tensor gradients(const nmt::Seq2Seq& model) {
  std::vector<torch::Tensor> grads;
  for (const auto& p : model->parameters()) {
    grads.push_back(p.grad().defined() ? p.grad().flatten() : torch::zeros({p.numel()}));
  }
  return torch::cat(grads);
}

}  // namespace

TEST_CASE("objective: the output layer in shards gives the whole batch's loss and gradients",
          "[train][loss]") {
  const auto [attention, coverage, tied] = GENERATE(table<std::string, double, bool>(
      {{"mlp", 0.0, false}, {"mlp", 0.0, true}, {"coverage", 1.5, false}, {"hard", 0.0, false}}));
  const int64_t shard = GENERATE(1, 3, 1000);
  CAPTURE(attention, tied, shard);
  const auto corpus = ragged_corpus();
  const auto batch = nmt::make_batch(corpus, {0, 1, 2, 3, 4});
  const nmt::ObjectiveWeights terms{0.1, coverage};
  const int64_t normaliser = 2 * batch.trg_tokens;  // as if another share held the rest

  auto whole_model = seeded_model(attention, tied);
  torch::manual_seed(11);  // the same dropout and attention samples on both sides
  const auto whole = nmt::training_objective(*whole_model, batch, terms);
  (whole.value / static_cast<double>(normaliser)).backward();

  auto sharded_model = seeded_model(attention, tied);
  torch::manual_seed(11);
  const auto sharded =
      nmt::backward_update(*sharded_model, {batch}, terms, normaliser, nmt::Precision::fp32, shard);

  CHECK(sharded.loss_sum == Approx(whole.loss.loss.item<double>()).epsilon(1e-6));
  CHECK(sharded.tokens == batch.trg_tokens);
  if (coverage > 0) {
    REQUIRE(sharded.coverage_sum);
    CHECK(*sharded.coverage_sum == Approx(whole.coverage.item<double>()).epsilon(1e-6));
  }
  CHECK(sharded.policy.has_value() == whole.policy.loss.defined());
  const auto expected = gradients(whole_model), got = gradients(sharded_model);
  REQUIRE(expected.abs().sum().item<double>() > 0);
  CHECK(torch::allclose(got, expected, /*rtol=*/1e-4, /*atol=*/1e-6));
}

TEST_CASE("objective: the sharded loss of the dev pass equals the loss of the whole logits",
          "[train][loss]") {
  const int64_t shard = GENERATE(1, 4, 1000);
  CAPTURE(shard);
  auto model = seeded_model("mlp", false);
  model->eval();
  torch::NoGradGuard no_grad;
  const auto batch = nmt::make_batch(ragged_corpus(), {0, 1, 2, 3, 4});
  const auto whole = nmt::label_smoothed_loss(
      model->forward(batch.src, batch.src_lengths, batch.trg_in).logits, batch.trg_out, 0.1);
  const auto outputs = model->forward_outputs(batch.src, batch.src_lengths, batch.trg_in).outputs;
  const auto sharded = nmt::sharded_loss(*model, outputs, batch.trg_out, 0.1, shard);
  CHECK(sharded.tokens == whole.tokens);
  CHECK(sharded.loss.item<double>() == Approx(whole.loss.item<double>()).epsilon(1e-6));
  CHECK(sharded.nll.item<double>() == Approx(whole.nll.item<double>()).epsilon(1e-6));
  REQUIRE(sharded.token_nll.sizes() == whole.token_nll.sizes());
  CHECK(torch::allclose(sharded.token_nll, whole.token_nll, 1e-5, 1e-6));
  // Padding positions have no loss.
  CHECK(sharded.token_nll.masked_select(batch.trg_out.eq(1)).abs().sum().item<double>() == 0);
}
