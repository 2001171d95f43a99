// Config loading: typed values, defaults, and an error with file:line and key path for every
// kind of mistake.
#include <algorithm>
#include <catch2/catch.hpp>

#include "common/config.h"
#include "common/errors.h"
#include "model/config_check.h"
#include "support/temp_dir.h"

using Catch::Contains;
using nmt::ConfigError;

namespace {

// What `nmt prepare` and `nmt train` do with a config: load it, then check it whole.
nmt::Config parse_config(const std::string& yaml, const std::string& name,
                         const std::vector<std::string>& sets = {}) {
  auto config = nmt::parse_config(yaml, name, sets);
  nmt::check_model_config(config);
  return config;
}

// Line numbers below are counted in this text (line 1 is "model_dir").
const std::string kValid =
    "model_dir: runs/x\n"         // 1
    "data:\n"                     // 2
    "  train: corpus/train\n"     // 3
    "  src: en\n"                 // 4
    "  trg: de\n"                 // 5
    "  max_len: 50\n"             // 6
    "model:\n"                    // 7
    "  encoder:\n"                // 8
    "    rnn: lstm\n"             // 9
    "    bidirectional: false\n"  // 10
    "  attention:\n"              // 11
    "    type: cosine\n"          // 12
    "    temperature: 0.05\n"     // 13
    "train:\n"                    // 14
    "  lr: 5e-4\n"                // 15
    "  batch_tokens: 1000\n";     // 16

// kValid with line `line` (1-based) replaced by `text`.
std::string with_line(int line, const std::string& text) {
  std::string out;
  int n = 1;
  size_t start = 0;
  for (size_t nl; (nl = kValid.find('\n', start)) != std::string::npos; start = nl + 1, ++n) {
    out += (n == line ? text : kValid.substr(start, nl - start)) + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("config: values are typed and unset keys keep their defaults", "[config]") {
  const auto c = parse_config(kValid, "x.yaml");
  CHECK(c.model_dir == "runs/x");
  CHECK(c.data.train == "corpus/train");
  CHECK(c.data.max_len == 50);
  CHECK(c.model.encoder.rnn == "lstm");
  CHECK_FALSE(c.model.encoder.bidirectional);
  CHECK(c.model.attention.type == "cosine");
  CHECK(c.model.attention.temperature == Approx(0.05));
  CHECK(c.train.lr == Approx(5e-4));
  CHECK(c.train.batch_tokens == 1000);
  // Defaults declared in config.h.
  CHECK(c.model.decoder.rnn == "gru");
  CHECK(c.train.seed == 42);
  CHECK(c.data.subwords.vocab_size == 8000);
}

TEST_CASE("config: each error names file, line and key path", "[config]") {
  SECTION("unknown key lists the valid names of its section") {
    REQUIRE_THROWS_WITH(parse_config(with_line(16, "  batch_tokns: 1000"), "x.yaml"),
                        Contains("x.yaml:16: train.batch_tokns: unknown key (expected one of: "
                                 "lr, batch_tokens,"));
  }
  SECTION("unknown top-level section") {
    REQUIRE_THROWS_WITH(parse_config(kValid + "decode:\n  beam: 5\n", "x.yaml"),
                        Contains("x.yaml:17: decode: unknown key (expected one of: model_dir, "
                                 "device, data, model, train)"));
  }
  SECTION("wrong type") {
    REQUIRE_THROWS_WITH(parse_config(with_line(15, "  lr: fast"), "x.yaml"),
                        Contains("x.yaml:15: train.lr: expected a number, got 'fast'"));
    REQUIRE_THROWS_WITH(parse_config(with_line(6, "  max_len: 5.5"), "x.yaml"),
                        Contains("x.yaml:6: data.max_len: expected an integer, got '5.5'"));
    REQUIRE_THROWS_WITH(parse_config(with_line(10, "    bidirectional: maybe"), "x.yaml"),
                        Contains("x.yaml:10: model.encoder.bidirectional: expected true or "
                                 "false, got 'maybe'"));
    REQUIRE_THROWS_WITH(parse_config(with_line(6, "  max_len: [1, 2]"), "x.yaml"),
                        Contains("x.yaml:6: data.max_len: expected an integer, got a list"));
  }
  SECTION("a value where a section belongs") {
    REQUIRE_THROWS_WITH(parse_config("model_dir: x\ndata: corpus\n", "x.yaml"),
                        Contains("x.yaml:2: data: expected a section of keys, got 'corpus'"));
  }
  SECTION("out of range") {
    REQUIRE_THROWS_WITH(parse_config(with_line(16, "  batch_tokens: 0"), "x.yaml"),
                        Contains("x.yaml:16: train.batch_tokens: 0 is out of range (expected "
                                 ">= 1)"));
    REQUIRE_THROWS_WITH(parse_config(with_line(15, "  lr: 0"), "x.yaml"),
                        Contains("x.yaml:15: train.lr: 0 is out of range"));
    REQUIRE_THROWS_WITH(parse_config(kValid + "  max_minutes: -1\n", "x.yaml"),
                        Contains("x.yaml:17: train.max_minutes: -1 is out of range"));
  }
  SECTION("unknown choice lists the allowed values") {
    REQUIRE_THROWS_WITH(parse_config(with_line(12, "    type: mpl"), "x.yaml"),
                        Contains("x.yaml:12: model.attention.type: unknown value 'mpl' "
                                 "(expected one of: dot, scaled_dot, cosine, mlp,"));
  }
  SECTION("missing required key names the section's line") {
    REQUIRE_THROWS_WITH(parse_config(with_line(4, "  test: corpus/test"), "x.yaml"),
                        Contains("x.yaml:2: data.src: missing required key"));
    REQUIRE_THROWS_WITH(parse_config(with_line(1, "device: cpu"), "x.yaml"),
                        Contains("x.yaml:1: model_dir: missing required key"));
  }
  SECTION("a parameter of another attention type") {
    REQUIRE_THROWS_WITH(parse_config(with_line(12, "    type: mlp"), "x.yaml"),
                        Contains("x.yaml:13: model.attention.temperature: not a parameter of "
                                 "attention type 'mlp' (its parameters: normalizer)"));
  }
  SECTION("duplicate key") {
    REQUIRE_THROWS_WITH(parse_config(kValid + "  lr: 1e-3\n", "x.yaml"),
                        Contains("x.yaml:17: train.lr: duplicate key"));
  }
  SECTION("invalid YAML syntax") {
    REQUIRE_THROWS_WITH(parse_config(with_line(9, "    rnn: [lstm"), "x.yaml"),
                        Contains("x.yaml:"));
    REQUIRE_THROWS_AS(parse_config(with_line(9, "    rnn: [lstm"), "x.yaml"), ConfigError);
  }
}

TEST_CASE("config: --set overrides any key with the same checks", "[config]") {
  SECTION("overrides a file value and a default") {
    const auto c = parse_config(
        kValid, "x.yaml",
        {"train.lr=0.002", "model.decoder.style=bahdanau", "model.attention.temperature=0.5"});
    CHECK(c.train.lr == Approx(0.002));
    CHECK(c.model.decoder.style == nmt::DecoderStyle::bahdanau);
    CHECK(c.model.attention.temperature == Approx(0.5));
  }
  SECTION("the attention parameter check sees the overridden type") {
    const auto c = parse_config(with_line(13, "    # no temperature"), "x.yaml",
                                {"model.attention.type=multi_head", "model.attention.heads=4"});
    CHECK(c.model.attention.type == "multi_head");
    CHECK(c.model.attention.heads == 4);
    REQUIRE_THROWS_WITH(
        parse_config(kValid, "x.yaml", {"model.attention.type=multi_head"}),
        Contains("x.yaml:13: model.attention.temperature: not a parameter of "
                 "attention type 'multi_head' (its parameters: heads, normalizer)"));
  }
  SECTION("bad values, unknown keys and sections are errors naming the override") {
    REQUIRE_THROWS_WITH(parse_config(kValid, "x.yaml", {"train.lr=abc"}),
                        Contains("--set train.lr=abc: train.lr: expected a number, got 'abc'"));
    REQUIRE_THROWS_WITH(parse_config(kValid, "x.yaml", {"train.batch_tokens=-5"}),
                        Contains("--set train.batch_tokens=-5: train.batch_tokens: -5 is out "
                                 "of range"));
    REQUIRE_THROWS_WITH(parse_config(kValid, "x.yaml", {"train.speed=3"}),
                        Contains("--set train.speed=3: train.speed: unknown key (expected one "
                                 "of: lr,"));
    REQUIRE_THROWS_WITH(parse_config(kValid, "x.yaml", {"model.encoder=3"}),
                        Contains("model.encoder: is a section"));
    REQUIRE_THROWS_WITH(parse_config(kValid, "x.yaml", {"train.lr"}),
                        Contains("--set train.lr: train.lr: expected key.path=value"));
  }
}

TEST_CASE("config: the resolved YAML loads back to the same values", "[config]") {
  const auto c = parse_config(kValid, "x.yaml", {"train.lr=0.0021", "data.dev=corpus/dev"});
  const std::string yaml = nmt::config_to_yaml(c, nmt::unused_config_keys(c));
  const auto back = parse_config(yaml, "resolved.yaml");
  CHECK(nmt::config_to_lines(back, {}) == nmt::config_to_lines(c, {}));
  // Only the chosen attention type's parameters are written.
  CHECK_THAT(yaml, Contains("temperature: 0.05"));
  CHECK(yaml.find("window:") == std::string::npos);
  CHECK(back.train.lr == 0.0021);
  CHECK(back.data.dev == "corpus/dev");
  CHECK(back.data.test.empty());
}

TEST_CASE("config: a named choice loads as its enum and is written as its name", "[config]") {
  // A hard-attention model, so that model.attention.inference is one of its parameters.
  const std::string yaml =
      "model_dir: runs/x\ndata: {train: t, src: en, trg: de}\nmodel: {attention: {type: hard}}\n";
  const auto c = nmt::parse_config(
      yaml, "x.yaml",
      {"data.subwords.type=bpe", "model.encoder.norm=post", "model.decoder.norm=post",
       "model.decoder.style=bahdanau", "model.decoder.init=zeros",
       "model.attention.inference=expected", "train.valid_metric=ppl"});
  CHECK(c.data.subwords.type == nmt::SubwordType::bpe);
  CHECK(c.model.encoder.norm == nmt::LayerNorm::post);
  CHECK(c.model.decoder.norm == nmt::LayerNorm::post);
  CHECK(c.model.decoder.style == nmt::DecoderStyle::bahdanau);
  CHECK(c.model.decoder.init == nmt::DecoderInit::zeros);
  CHECK(c.model.attention.inference == nmt::HardInference::expected);
  CHECK(c.train.valid_metric == nmt::ValidMetric::ppl);
  const auto lines = nmt::config_to_lines(c, {});
  for (const auto* line : {"data.subwords.type = bpe", "model.encoder.norm = post",
                           "model.decoder.style = bahdanau", "model.decoder.init = zeros",
                           "model.attention.inference = expected", "train.valid_metric = ppl"}) {
    CHECK(std::find(lines.begin(), lines.end(), line) != lines.end());
  }
  const auto back = nmt::parse_config(nmt::config_to_yaml(c, {}), "resolved.yaml");
  CHECK(nmt::config_to_lines(back, {}) == lines);
  // Every name of an enum maps back to its own value.
  for (const auto& name : nmt::choice_names(nmt::ValidMetric{})) {
    const auto metric = nmt::parse_config(yaml, "x.yaml", {"train.valid_metric=" + name});
    CHECK(nmt::choice_name(metric.train.valid_metric) == name);
  }
}

TEST_CASE("config: load_config reads a file and names it in errors", "[config]") {
  nmt::test::TempDir dir;
  const auto path = dir.file("c.yaml");
  nmt::test::write_text(path, with_line(15, "  lr: -1"));
  REQUIRE_THROWS_WITH(nmt::load_config(path), Contains(path + ":15: train.lr: -1 is out"));
  REQUIRE_THROWS_WITH(nmt::load_config(dir.file("missing.yaml")),
                      Contains("missing.yaml: cannot open config file"));
}
