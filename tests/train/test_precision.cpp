// train.precision: what auto chooses from the CPU's flags, and a bf16 update against fp32 on
// the same weights and batch: the loss and gradients agree to bf16's precision, and the
// parameters, their gradients and the loss stay fp32.
#include <ATen/autocast_mode.h>

#include <catch2/catch.hpp>

#include "common/errors.h"
#include "common/precision.h"
#include "data/batch.h"
#include "model/model_fixtures.h"
#include "model/seq2seq.h"
#include "train/objective.h"

using nmt::CpuBf16;
using nmt::Precision;

TEST_CASE("precision: auto follows the CPU's bf16 flags, fp32 and bf16 are taken as given",
          "[train][precision]") {
  const CpuBf16 none, avx512{true, false}, amx{false, true};
  CHECK(nmt::choose_precision("auto", "cpu", none).precision == Precision::fp32);
  CHECK_THAT(nmt::choose_precision("auto", "cpu", none).reason,
             Catch::Contains("neither AVX512-BF16 nor AMX-BF16"));
  CHECK(nmt::choose_precision("auto", "cpu", avx512).precision == Precision::bf16);
  CHECK_THAT(nmt::choose_precision("auto", "cpu", avx512).reason, Catch::Contains("AVX512-BF16"));
  CHECK(nmt::choose_precision("auto", "cpu", amx).precision == Precision::bf16);
  CHECK_THAT(nmt::choose_precision("auto", "cpu", amx).reason, Catch::Contains("AMX-BF16"));
  CHECK(nmt::choose_precision("fp32", "cpu", avx512).precision == Precision::fp32);
  CHECK(nmt::choose_precision("bf16", "cpu", none).precision == Precision::bf16);
  CHECK_THAT(nmt::choose_precision("bf16", "cpu", none).reason, Catch::Contains("slower"));
  CHECK(nmt::choose_precision("auto", "cuda", avx512).precision == Precision::fp32);
  CHECK_THROWS_WITH(nmt::choose_precision("bf16", "cuda", avx512),
                    Catch::Contains("train.precision"));
  // Decoding's setting is a command-line flag, and the messages name it.
  CHECK(nmt::choose_precision("fp32", "cpu", avx512, "--precision").reason == "fp32 (--precision)");
  CHECK_THAT(nmt::choose_precision("bf16", "cpu", avx512, "--precision").reason,
             Catch::Contains("bf16 matmuls (--precision; the CPU has AVX512-BF16)"));
  CHECK_THROWS_WITH(nmt::choose_precision("bf16", "cuda", avx512, "--precision"),
                    Catch::StartsWith("--precision: bf16 is implemented for the CPU only"));
}

TEST_CASE("precision: a bf16 update agrees with fp32 and keeps fp32 weights and gradients",
          "[train][precision]") {
  // Three attention types of the RNN decoder, and the Transformer (nmt::test::model_variants()).
  const std::string attention =
      GENERATE(as<std::string>{}, "mlp", "coverage", "multi_head", "transformer");
  CAPTURE(attention);
  nmt::EncodedCorpus corpus;
  corpus.src = {{5, 6, 7}, {8, 9}, {10, 11, 12, 13}, {14}, {6, 6, 9, 5, 4}};
  corpus.trg = {{7, 8}, {9, 10, 11}, {12}, {13, 14, 5, 6}, {4, 9}};
  const auto update = [&](Precision precision) {
    torch::manual_seed(9);  // the same weights
    auto config = nmt::test::tiny_variant_config(attention, "lstm", 1, nmt::DecoderStyle::luong);
    config.attention.heads = 2;
    nmt::Seq2Seq model(config, 16, 16);
    model->train();
    const auto batch = nmt::make_batch(corpus, {0, 1, 2, 3, 4});
    const auto loss = nmt::backward_update(
        *model, {batch}, {0.1, attention == "coverage" ? 1.0 : 0}, batch.trg_tokens, precision);
    std::vector<torch::Tensor> grads;
    for (const auto& p : model->parameters()) {
      REQUIRE(p.scalar_type() == torch::kFloat);
      REQUIRE(p.grad().defined());
      REQUIRE(p.grad().scalar_type() == torch::kFloat);
      grads.push_back(p.grad().flatten());
    }
    return std::make_pair(loss.loss_sum, torch::cat(grads));
  };
  const auto [fp32_loss, fp32_grad] = update(Precision::fp32);
  const auto [bf16_loss, bf16_grad] = update(Precision::bf16);
  // bf16 keeps 8 bits of mantissa: ~0.4% per rounding.
  CHECK(bf16_loss == Approx(fp32_loss).epsilon(0.02));
  const double cosine =
      (fp32_grad.dot(bf16_grad) / (fp32_grad.norm() * bf16_grad.norm())).item<double>();
  CHECK(cosine > 0.99);
  CHECK((bf16_grad.norm() / fp32_grad.norm()).item<double>() == Approx(1).epsilon(0.05));
  // And autocast is off again after the update.
  CHECK_FALSE(at::autocast::is_cpu_enabled());
}
