// The precision a search gets by the machine: `auto` takes int8 where the CPU has VNNI only for
// files searched with RNN decoders; never for a server, whose small searches pay int8's cost per
// call, nor for a Transformer decoder, whose many small products per step pay it too. An explicit
// int8 is taken everywhere.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "api/translator_loading.h"
#include "common/int8_matmuls.h"
#include "common/precision.h"
#include "support/run_command.h"
#include "train/train_fixtures.h"

namespace {

bool int8_engine() {
  try {
    nmt::select_int8_engine();
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

TEST_CASE("translator loading: auto takes int8 for files where the CPU has VNNI, never to serve",
          "[api][precision]") {
  const auto serving = nmt::choose_search_precision("auto", torch::kCPU, {/*serving=*/true});
  CHECK(serving.precision != nmt::Precision::int8);
  const auto files = nmt::choose_search_precision("auto", torch::kCPU);
  const bool int8_pays = nmt::cpu_has_vnni() && int8_engine();
  CHECK((files.precision == nmt::Precision::int8) == int8_pays);
  if (int8_pays) {
    CHECK_THAT(serving.reason, Catch::Contains("not int8, whose cost per call a server's"));
    CHECK(nmt::choose_search_precision("int8", torch::kCPU, {true}).precision ==
          nmt::Precision::int8);
  }
}

TEST_CASE("translator loading: auto takes no int8 for a Transformer decoder",
          "[api][precision][transformer_decoder]") {
  nmt::test::TempDir rnn_dir, transformer_dir;
  const auto rnn = nmt::test::train_tiny_model(rnn_dir);
  const auto transformer = nmt::test::train_tiny_model(
      transformer_dir,
      " --set model.encoder.type=transformer --set model.encoder.heads=2"
      " --set model.encoder.ff_size=32 --set model.decoder.type=transformer"
      " --set model.decoder.embedding_dim=16 --set model.decoder.heads=2"
      " --set model.decoder.ff_size=32 --set model.decoder.tied_embeddings=true"
      " --set train.schedule=warmup_rsqrt");

  CHECK_FALSE(nmt::search_traits({rnn}, {}, false).transformer_decoder);
  CHECK(nmt::search_traits({transformer}, {}, false).transformer_decoder);
  CHECK(nmt::search_traits({rnn, transformer}, {}, false).transformer_decoder);  // any model's
  CHECK(nmt::search_traits({rnn}, {}, true).serving);

  const bool int8_pays = nmt::cpu_has_vnni() && int8_engine();
  const nmt::SearchTraits with_transformer{false, true};
  const auto chosen = nmt::choose_search_precision("auto", torch::kCPU, with_transformer);
  CHECK(chosen.precision != nmt::Precision::int8);
  CHECK(nmt::choose_search_precision("auto", torch::kCPU, {false, false}).precision ==
        (int8_pays ? nmt::Precision::int8 : chosen.precision));
  if (int8_pays) {
    CHECK_THAT(chosen.reason, Catch::Contains("not int8, whose cost per call a Transformer"));
    CHECK(nmt::choose_search_precision("int8", torch::kCPU, with_transformer).precision ==
          nmt::Precision::int8);
  }

  // What `nmt translate` says it chose, from the model it reads.
  nmt::test::write_text(transformer_dir.file("in.txt"), "red dog\n");
  const auto translated = nmt::test::run_command(
      nmt::test::nmt_binary() + " translate --model '" + transformer + "' --input '" +
      transformer_dir.file("in.txt") + "' --output '" + transformer_dir.file("out.txt") + "'");
  INFO(translated.output);
  REQUIRE(translated.status == 0);
  CHECK_THAT(translated.output, !Catch::Contains("precision: int8"));
  if (int8_pays) CHECK_THAT(translated.output, Catch::Contains("a Transformer decoder's"));
}
