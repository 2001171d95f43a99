// Validation: every valid_every updates a `valid` event with dev loss, perplexity, BLEU and
// chrF; the BLEU logged for the best checkpoint equals scoring its greedy translations of the
// dev set with `nmt translate --beam 1 --precision fp32 | nmt evaluate` (validation searches in
// fp32; translate's default, int8 here, may change a sentence).
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "data/corpus.h"
#include "support/run_command.h"
#include "train/train_fixtures.h"

using nmt::test::nmt_binary;
using nmt::test::run_command;

TEST_CASE("validation: logged dev BLEU equals translating and scoring the dev set",
          "[train][validation]") {
  nmt::test::TempDir dir;
  nmt::test::write_reverse_corpus(dir, 300, 40);
  const auto model = dir.file("model");
  const auto config = dir.file("c.yaml");
  nmt::test::write_text(config, nmt::test::tiny_train_yaml(dir, model, /*with_dev=*/true));
  const auto trained =
      run_command(nmt_binary() + " train '" + config +
                  "' --set train.max_steps=200 --set train.valid_every=100 --set train.lr=0.03");
  INFO(trained.output);
  REQUIRE(trained.status == 0);

  std::vector<nlohmann::json> valid;
  for (const auto& line : nmt::read_lines(model + "/metrics.jsonl")) {
    const auto j = nlohmann::json::parse(line);
    if (j["event"] == "valid") valid.push_back(j);
  }
  REQUIRE(valid.size() == 2);
  CHECK(valid[0]["step"] == 100);
  CHECK(valid[1]["step"] == 200);
  for (const auto& v : valid) {
    CHECK(v["ppl"].get<double>() == Approx(std::exp(v["loss"].get<double>())));
    CHECK(v["bleu"].get<double>() >= 0);
    CHECK(v["bleu"].get<double>() <= 100);
  }
  REQUIRE(std::filesystem::exists(model + "/best.ckpt"));
  const int64_t best_step = valid[1]["best_step"];
  const double best_bleu = valid[best_step == 100 ? 0 : 1]["bleu"];
  // Trained long enough to match some 4-grams: BLEU 0 on both sides would prove nothing.
  REQUIRE(best_bleu > 0);

  const auto scored =
      run_command(nmt_binary() + " translate --model '" + model +
                  "' --beam 1 --precision fp32 --input '" + dir.file("dev.src") + "' --output '" +
                  dir.file("dev.out") + "' && " + nmt_binary() + " evaluate --json --ref '" +
                  dir.file("dev.trg") + "' --hyp '" + dir.file("dev.out") + "' --metrics bleu");
  INFO(scored.output);
  REQUIRE(scored.status == 0);
  const auto json = nlohmann::json::parse(scored.output.substr(scored.output.find('{')));
  CHECK(json["metrics"]["bleu"]["score"].get<double>() == Approx(best_bleu).margin(1e-9));
}
