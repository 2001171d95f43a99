// check_model_config: what spans several keys or needs the model's parts is an error with the
// file and line where the key (or its section) was set, found when the config is loaded.
#include <catch2/catch.hpp>
#include <filesystem>

#include "common/config.h"
#include "common/errors.h"
#include "model/config_check.h"
#include "support/run_command.h"
#include "train/train_fixtures.h"

using Catch::Contains;

namespace {

const std::string kConfig =
    "model_dir: runs/x\n"                              // 1
    "data: {train: corpus/train, src: en, trg: de}\n"  // 2
    "model:\n"                                         // 3
    "  encoder:\n"                                     // 4
    "    hidden: 64\n"                                 // 5
    "  decoder:\n"                                     // 6
    "    hidden: 96\n"                                 // 7
    "  attention:\n"                                   // 8
    "    type: mlp\n";                                 // 9

std::string error_of(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  try {
    nmt::check_model_config(nmt::parse_config(yaml, "x.yaml", sets));
  } catch (const nmt::ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("config check: sizes that do not fit together name the file and line",
          "[config][config_check]") {
  CHECK(error_of(kConfig) == "(no error)");
  CHECK(error_of(kConfig + "    heads: 5\n", {"model.attention.type=multi_head"}) ==
        "x.yaml:10: model.attention.heads: 5 heads do not divide the query size 96 "
        "(model.decoder.hidden)");
  CHECK(error_of(kConfig, {"model.attention.type=local_p", "model.attention.window=0"}) ==
        "--set model.attention.window=0: model.attention.window: must be >= 1, got 0");
  CHECK_THAT(error_of(kConfig, {"model.encoder.type=transformer"}),
             Contains("x.yaml:4: model.encoder.embedding_dim: the transformer encoder needs it "
                      "equal to model.encoder.hidden (256 vs 64)"));
  CHECK_THAT(error_of(kConfig, {"model.encoder.type=transformer", "model.encoder.embedding_dim=64",
                                "model.encoder.heads=3"}),
             Contains("--set model.encoder.heads=3: model.encoder.heads: 3 heads do not divide "
                      "model.encoder.hidden (64)"));
  CHECK_THAT(
      error_of(kConfig, {"model.decoder.tied_embeddings=true"}),
      Contains("--set model.decoder.tied_embeddings=true: model.decoder.tied_embeddings: "
               "needs model.decoder.embedding_dim (256) equal to model.decoder.hidden (96)"));
}

TEST_CASE("config check: the encoder, decoder and cell types, their sizes, shared embeddings",
          "[config][config_check]") {
  CHECK(error_of(kConfig, {"model.decoder.type=transfomer"}) ==
        "--set model.decoder.type=transfomer: model.decoder.type: unknown value 'transfomer' "
        "(expected one of: rnn, transformer)");
  CHECK(error_of(kConfig, {"model.encoder.type=cnn"}) ==
        "--set model.encoder.type=cnn: model.encoder.type: unknown value 'cnn' (expected one of: "
        "rnn, transformer)");
  CHECK(error_of(kConfig, {"model.decoder.rnn=rnn_tanh"}) ==
        "--set model.decoder.rnn=rnn_tanh: model.decoder.rnn: unknown value 'rnn_tanh' (expected "
        "one of: gru, lstm)");
  // Checked even where the Transformer encoder leaves the key unused.
  CHECK(error_of(kConfig, {"model.encoder.type=transformer", "model.encoder.embedding_dim=64",
                           "model.encoder.rnn=GRU"}) ==
        "--set model.encoder.rnn=GRU: model.encoder.rnn: unknown value 'GRU' (expected one of: "
        "gru, lstm)");
  CHECK(error_of(kConfig, {"model.decoder.type=transformer"}) ==
        "x.yaml:6: model.decoder.embedding_dim: the transformer decoder needs it equal to "
        "model.decoder.hidden (256 vs 96)");
  CHECK(error_of(kConfig, {"model.decoder.type=transformer", "model.decoder.embedding_dim=96",
                           "model.decoder.heads=5"}) ==
        "--set model.decoder.heads=5: model.decoder.heads: 5 heads do not divide "
        "model.decoder.hidden (96)");
  CHECK(error_of(kConfig, {"model.decoder.type=transformer", "model.decoder.embedding_dim=96",
                           "model.decoder.heads=4"}) == "(no error)");
  CHECK(error_of(kConfig, {"model.shared_embeddings=true"}) == "(no error)");
  CHECK(error_of(kConfig, {"model.shared_embeddings=true", "data.subwords.joint=false"}) ==
        "--set model.shared_embeddings=true: model.shared_embeddings: needs one vocabulary for "
        "both languages (data.subwords.joint: true)");
  CHECK_THAT(error_of(kConfig, {"model.shared_embeddings=true", "model.decoder.embedding_dim=64"}),
             Contains("--set model.shared_embeddings=true: model.shared_embeddings: needs one "
                      "vocabulary for both languages"));
}

TEST_CASE("config check: the attention type and its parameters", "[config][config_check]") {
  CHECK(error_of(kConfig, {"model.attention.type=mpl"}) ==
        "--set model.attention.type=mpl: model.attention.type: unknown value 'mpl' (expected one "
        "of: dot, scaled_dot, cosine, mlp, bilinear, multi_head, local_m, local_p, hard, coverage, "
        "location)");
  CHECK(error_of(kConfig + "    heads: 2\n") ==
        "x.yaml:10: model.attention.heads: not a parameter of attention type 'mlp' (its "
        "parameters: normalizer)");
  CHECK(error_of(kConfig, {"model.attention.normalizer=sparsemux"}) ==
        "--set model.attention.normalizer=sparsemux: model.attention.normalizer: unknown value "
        "'sparsemux' (expected one of: softmax, sparsemax, entmax15)");
  CHECK(error_of(kConfig, {"model.attention.type=location", "model.attention.positions=0"}) ==
        "--set model.attention.positions=0: model.attention.positions: 0 is out of range "
        "(expected >= 1)");
  CHECK(error_of(kConfig, {"model.attention.type=location", "model.attention.positions=20"}) ==
        "(no error)");
  CHECK(error_of(kConfig, {"model.attention.type=mlp", "model.attention.normalizer=entmax15"}) ==
        "(no error)");
  CHECK(error_of(kConfig + "    heads: 2\n", {"model.attention.type=multi_head"}) == "(no error)");
}

TEST_CASE("config check: the resolved config keeps only the chosen type's parameters",
          "[config][config_check]") {
  const auto config = nmt::parse_config(kConfig, "x.yaml", {"model.attention.type=local_m"});
  const auto unused = nmt::unused_config_keys(config);
  CHECK(unused.count("model.attention.heads"));
  CHECK(unused.count("model.attention.inference"));
  CHECK_FALSE(unused.count("model.attention.window"));
  CHECK_FALSE(unused.count("model.attention.score"));
  const auto yaml = nmt::config_to_yaml(config, unused);
  CHECK_THAT(yaml, Contains("window: 10"));
  CHECK(yaml.find("inference:") == std::string::npos);
  CHECK(error_of(yaml) == "(no error)");  // a resolved config loads and checks again
}

TEST_CASE("nmt prepare: a model that cannot be built fails before any subword training",
          "[config][config_check][cli]") {
  nmt::test::TempDir dir;
  nmt::test::write_reverse_corpus(dir, 50, 0);
  const auto config = dir.file("c.yaml");
  nmt::test::write_text(config, nmt::test::tiny_train_yaml(dir, dir.file("model"), false));
  const auto r = nmt::test::run_command(nmt::test::nmt_binary() + " prepare '" + config +
                                        "' --set model.attention.type=multi_head"
                                        " --set model.attention.heads=3");
  INFO(r.output);
  CHECK(r.status != 0);
  CHECK_THAT(r.output, Contains("nmt: error: --set model.attention.heads=3: model.attention.heads: "
                                "3 heads do not divide the query size 16"));
  CHECK_FALSE(std::filesystem::exists(dir.file("model/spm.model")));
}
