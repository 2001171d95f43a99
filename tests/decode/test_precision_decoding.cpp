// Decoding in bf16 (`--precision bf16`): the same model read and searched with bf16 matmuls
// agrees with fp32 to bf16's precision, hands search fp32 log-probs and attention, and leaves
// LibTorch's autocast off after each call.
#include <ATen/autocast_mode.h>
#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "api/search_threads.h"
#include "common/precision.h"
#include "decode/translator.h"
#include "model/cpu_autocast.h"
#include "support/one_line_error.h"
#include "train/train_fixtures.h"

using nmt::Precision;
using nmt::test::train_tiny_model;

namespace {

void require_fp32_distributions(const torch::Tensor& attention) {
  REQUIRE(attention.scalar_type() == torch::kFloat);
  CHECK(torch::allclose(attention.sum(-1), torch::ones({attention.size(0)}), 0, 2e-2));
}

}  // namespace

TEST_CASE("precision: bf16 decoding agrees with fp32 and leaves autocast off",
          "[decode][precision]") {
  nmt::test::TempDir dir;
  const auto model = train_tiny_model(dir);
  nmt::Translator fp32({model}, {}, torch::kCPU, Precision::fp32);
  nmt::Translator bf16({model}, {}, torch::kCPU, Precision::bf16);
  const std::vector<std::string> sources = {"red dog", "cat sun tree boat", "blue",
                                            "car car red boat sun"};
  const std::vector<std::string> references = {"dog red", "boat tree sun cat", "blue",
                                               "sun boat red car car"};

  // The same translation read by both: scores within bf16's ~0.4% per rounding, not equal.
  const auto exact = fp32.force(sources, references, 2);
  const auto rounded = bf16.force(sources, references, 2);
  CHECK_FALSE(at::autocast::is_cpu_enabled());
  int differ = 0;
  for (size_t i = 0; i < sources.size(); ++i) {
    INFO("line " << i);
    const auto& e = exact[i].hypotheses.front();
    const auto& r = rounded[i].hypotheses.front();
    CHECK(r.score == Approx(e.score).epsilon(0.03).margin(0.02));
    differ += r.score != e.score;
    require_fp32_distributions(r.attention);
    CHECK(torch::allclose(r.attention, e.attention, 0, 0.03));
  }
  CHECK(differ > 0);  // bf16 was in effect

  // Beam search with attention kept: fp32 tensors throughout, and where both searches found the
  // same best hypothesis, the same score to bf16's precision.
  nmt::SearchOptions beam;
  beam.beam = 3;
  beam.attention = true;
  const auto searched = fp32.translate(sources, beam, 2);
  const auto searched_bf16 = bf16.translate(sources, beam, 2);
  CHECK_FALSE(at::autocast::is_cpu_enabled());
  int same = 0;
  for (size_t i = 0; i < sources.size(); ++i) {
    INFO("line " << i);
    const auto& e = searched[i].hypotheses.front();
    const auto& r = searched_bf16[i].hypotheses.front();
    require_fp32_distributions(r.attention);
    CHECK(std::isfinite(r.score));
    if (r.ids != e.ids) continue;
    ++same;
    CHECK(r.score == Approx(e.score).epsilon(0.03).margin(0.02));
  }
  CHECK(same >= 2);
}

TEST_CASE("precision: --precision of nmt translate says what it chose, and refuses others",
          "[decode][precision][translate]") {
  nmt::test::TempDir dir;
  const auto model = train_tiny_model(dir);
  nmt::test::write_text(dir.file("in.txt"), "red dog\ncat sun\n");
  const auto translate = "translate --model '" + model + "' --input '" + dir.file("in.txt") + "'";
  const auto bf16 = nmt::test::run_nmt(translate + " --precision bf16");
  INFO(bf16.output);
  REQUIRE(bf16.status == 0);
  CHECK_THAT(bf16.output, Catch::Contains("precision: bf16 matmuls (--precision"));
  const auto fp32 = nmt::test::run_nmt(translate + " --precision fp32");
  CHECK_THAT(fp32.output, Catch::Contains("precision: fp32 (--precision)"));
  // By default, auto: bf16 where the CPU multiplies it in hardware, and the log says why.
  const auto automatic = nmt::test::run_nmt(translate);
  CHECK_THAT(automatic.output, Catch::Contains("precision: ") && Catch::Contains("(auto: "));
  // Where bf16 would search on one thread of several cores, fp32 with one search per core.
  // int8 where the CPU has VNNI (LibTorch's quantized engine is there in every build tested).
  const auto cpu = nmt::cpu_bf16_support();
  if (nmt::cpu_has_vnni()) {
    CHECK_THAT(automatic.output,
               Catch::Contains("precision: int8 matmuls (auto: the CPU has VNNI"));
  } else if ((cpu.avx512_bf16 || cpu.amx_bf16) && nmt::bf16_confined_to_one_thread() &&
             nmt::usable_cores() > 1) {
    CHECK_THAT(automatic.output, Catch::Contains("precision: fp32 (auto: the CPU has bf16, but"));
  }
  CHECK_THAT(nmt::test::require_one_line_error(nmt::test::run_nmt(translate + " --precision fp16")),
             Catch::Contains("--precision"));
}
