// A Transformer trained, translated and aligned from the command line, and the attention it
// shows: the last layer's mean of heads by default, --attention-layer and --attention-head
// otherwise, one clear line for a layer or head it does not have.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "data/corpus.h"
#include "support/one_line_error.h"
#include "support/run_command.h"
#include "train/train_fixtures.h"

using nmt::test::nmt_binary;
using nmt::test::run_command;

namespace {

// The attention matrices of an attention-records file, one per line.
std::vector<nlohmann::json> attention_of(const std::string& path) {
  std::vector<nlohmann::json> out;
  for (const auto& line : nmt::read_lines(path)) {
    out.push_back(nlohmann::json::parse(line)["attention"]);
  }
  return out;
}

}  // namespace

TEST_CASE("transformer: trained, translated and aligned from the command line",
          "[decode][transformer_decoder][cli]") {
  nmt::test::TempDir dir;
  const auto model = nmt::test::train_tiny_model(
      dir,
      " --set model.encoder.type=transformer --set model.encoder.heads=2"
      " --set model.encoder.ff_size=32 --set model.decoder.type=transformer"
      " --set model.decoder.embedding_dim=16 --set model.decoder.heads=2"
      " --set model.decoder.layers=2 --set model.decoder.ff_size=32"
      " --set model.decoder.tied_embeddings=true --set train.schedule=warmup_rsqrt");
  nmt::test::write_text(dir.file("in.txt"), "red dog\ncat sun tree\n");
  nmt::test::write_text(dir.file("ref.txt"), "dog red\ntree sun cat\n");
  const auto translate = nmt_binary() + " translate --model '" + model + "' --input '" +
                         dir.file("in.txt") + "' --beam 3 --output '" + dir.file("out.txt") +
                         "' --attention-out ";

  REQUIRE(run_command(translate + "'" + dir.file("mean.jsonl") + "'").status == 0);
  REQUIRE(run_command(translate + "'" + dir.file("explicit.jsonl") +
                      "' --attention-layer 1 --attention-head -1")
              .status == 0);
  REQUIRE(run_command(translate + "'" + dir.file("head0.jsonl") +
                      "' --attention-layer 0 --attention-head 0")
              .status == 0);
  const auto mean = attention_of(dir.file("mean.jsonl"));
  REQUIRE(mean.size() == 2);
  CHECK(mean == attention_of(dir.file("explicit.jsonl")));  // the default is the last layer
  CHECK(mean != attention_of(dir.file("head0.jsonl")));
  for (const auto& matrix : mean) {
    for (const auto& row : matrix) {
      double sum = 0;
      for (const auto& w : row) sum += w.get<double>();
      CHECK(sum == Approx(1.0).margin(1e-4));
    }
  }

  const auto layer = nmt::test::run_nmt("translate --model '" + model + "' --input '" +
                                        dir.file("in.txt") + "' --attention-layer 2");
  CHECK_THAT(nmt::test::require_one_line_error(layer),
             Catch::Contains("--attention-layer 2: the decoder has 2 layers (0 to 1, or -1 for "
                             "the last)"));
  const auto align = nmt_binary() + " align --model '" + model + "' --input '" +
                     dir.file("in.txt") + "' --reference '" + dir.file("ref.txt") + "' --output '" +
                     dir.file("links.txt") + "'";
  const auto aligned = run_command(align + " --attention-head 1");
  INFO(aligned.output);
  REQUIRE(aligned.status == 0);
  CHECK(nmt::read_lines(dir.file("links.txt")).size() == 2);
  const auto head =
      nmt::test::run_nmt(align.substr(nmt_binary().size() + 1) + " --attention-head 2");
  CHECK_THAT(nmt::test::require_one_line_error(head),
             Catch::Contains("--attention-head 2: the decoder has 2 heads (0 to 1, or -1 for "
                             "their mean)"));
}
