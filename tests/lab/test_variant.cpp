// What `nmt compare` reads from its command line: variants and the budget.
#include <catch2/catch.hpp>

#include "common/errors.h"
#include "lab/variant.h"

TEST_CASE("lab: a variant is a name and config overrides", "[lab]") {
  const auto bare = nmt::parse_variant("mlp");
  CHECK(bare.name == "mlp");
  CHECK(bare.overrides.empty());
  const auto v = nmt::parse_variant("no_feed-2.a:model.decoder.input_feeding=false,train.lr=5e-4");
  CHECK(v.name == "no_feed-2.a");
  CHECK(v.overrides ==
        std::vector<std::string>{"model.decoder.input_feeding=false", "train.lr=5e-4"});
  CHECK(nmt::parse_variant("x:model.attention.score=a=b").overrides ==
        std::vector<std::string>{"model.attention.score=a=b"});

  CHECK_THROWS_WITH(nmt::parse_variant("my variant:train.lr=1"),
                    Catch::StartsWith("--variant 'my variant:train.lr=1': 'my variant' is not a "
                                      "variant name"));
  CHECK_THROWS_AS(nmt::parse_variant(":train.lr=1"), nmt::ConfigError);
  CHECK_THROWS_AS(nmt::parse_variant(".."), nmt::ConfigError);
  CHECK_THROWS_WITH(nmt::parse_variant("a:train.lr"),
                    "--variant 'a:train.lr': 'train.lr' is not KEY=VALUE");
  CHECK_THROWS_WITH(nmt::parse_variant("a:train.lr=1,"), Catch::Contains("'' is not KEY=VALUE"));
  for (const char* key : {"data.train", "data.subwords.vocab_size", "train.threads"}) {
    CAPTURE(key);
    CHECK_THROWS_WITH(nmt::parse_variant(std::string("a:") + key + "=1"),
                      Catch::Contains(std::string(key) + " is the same for every variant"));
  }
  for (const char* key : {"model_dir", "train.seed", "train.max_steps", "train.max_epochs",
                          "train.max_minutes", "train.patience"}) {
    CAPTURE(key);
    CHECK_THROWS_WITH(nmt::parse_variant(std::string("a:train.lr=1,") + key + "=1"),
                      Catch::Contains(std::string(key) + " is set by nmt compare"));
    CHECK_THROWS_WITH(nmt::check_not_set_by_lab(std::string(key) + "=2", "--set"),
                      Catch::StartsWith(std::string("--set: ") + key + " is set by nmt compare"));
  }
  CHECK_NOTHROW(nmt::check_not_set_by_lab("train.max_stepsX=1", "--set"));
  CHECK_NOTHROW(nmt::check_not_set_by_lab("data.train=x", "--set"));
}

TEST_CASE("lab: the budget is updates, tokens or minutes of pure training", "[lab]") {
  CHECK(nmt::parse_budget("updates=300").updates == 300);
  CHECK(nmt::parse_budget("tokens=50000").target_tokens == 50000);
  CHECK(nmt::parse_budget("minutes=1.5").training_seconds == 90);
  for (const char* text : {"updates=300", "tokens=50000", "minutes=1.5"}) {
    CHECK(nmt::budget_text(nmt::parse_budget(text)) == text);
  }
  for (const char* bad : {"updates=1.5", "updates=0", "updates=-3", "updates=", "updates=12x",
                          "minutes=nan", "minutes=inf", "steps=10", "300", "tokens=1e300"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(nmt::parse_budget(bad), nmt::ConfigError);
  }
  CHECK_THROWS_WITH(nmt::parse_budget("steps=10"),
                    "--budget 'steps=10' (expected updates=N, tokens=N or minutes=M)");
}
