// `nmt compare` end to end on the dates task (scripts/make_dates.sh): every run on the same
// subword models, batches and budget; the report's numbers agree with its per-seed rows; an
// interrupted comparison resumes, a finished one is not run again, and OUT refuses other
// settings.
#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "lab/compare.h"
#include "lab/report.h"
#include "support/one_line_error.h"
#include "test_paths.h"

namespace fs = std::filesystem;
using nmt::test::read_text;
using nmt::test::run_command;

namespace {

// The dates data and a config small enough for seconds per run.
std::string dates_config(const nmt::test::TempDir& dir, const std::string& model = "tiny") {
  const auto made = run_command("bash '" + std::string(NMT_SOURCE_DIR) +
                                "/scripts/make_dates.sh' '" + dir.file("dates") + "'");
  INFO(made.output);
  REQUIRE(made.status == 0);
  const std::string sizes = model == "tiny"
                                ? "  encoder: {embedding_dim: 16, hidden: 16, dropout: 0}\n"
                                  "  decoder: {embedding_dim: 16, hidden: 32, dropout: 0}\n"
                                : "  encoder: {embedding_dim: 64, hidden: 64, dropout: 0.1}\n"
                                  "  decoder: {embedding_dim: 64, hidden: 128, dropout: 0.1}\n";
  const auto config = dir.file("dates.yaml");
  nmt::test::write_text(
      config, "model_dir: unused\ndata:\n  train: " + dir.file("dates/train") +
                  "\n  dev: " + dir.file("dates/dev") + "\n  test: " + dir.file("dates/test") +
                  "\n  src: en\n  trg: de\n  subwords: {vocab_size: 160}\nmodel:\n" + sizes +
                  "  attention: {type: mlp}\ntrain:\n  lr: 0.003\n  batch_tokens: 1500\n"
                  "  threads: 2\n  valid_every: 10\n  max_steps: 3\n  log_every: 1000\n");
  return config;
}

std::vector<double> numbers_in(const std::string& text) {
  std::vector<double> values;
  const std::regex number(R"(-?\d+\.\d+|-?\d+)");
  for (std::sregex_iterator it(text.begin(), text.end(), number), end; it != end; ++it) {
    values.push_back(std::stod(it->str()));
  }
  return values;
}

// The cells of the Markdown table row that starts with `| first |`.
std::vector<std::string> cells(const std::string& markdown, const std::string& first) {
  const auto at = markdown.find("\n| " + first + " |");
  REQUIRE(at != std::string::npos);
  std::istringstream row(markdown.substr(at + 3, markdown.find('\n', at + 1) - at - 3));
  std::vector<std::string> out;
  for (std::string cell; std::getline(row, cell, '|');) {
    out.push_back(cell.substr(cell.find_first_not_of(' '),
                              cell.find_last_not_of(' ') - cell.find_first_not_of(' ') + 1));
  }
  return out;
}

}  // namespace

TEST_CASE("compare: 2 variants x 2 seeds on the dates task, on equal terms", "[lab][compare]") {
  nmt::test::TempDir dir;
  const auto config = dates_config(dir);
  const auto out = dir.file("lab");

  // Interrupted before its first update, the comparison stops with nothing done ...
  nmt::CompareOptions o;
  o.config_file = config;
  o.variants = {nmt::parse_variant("mlp"), nmt::parse_variant("dot:model.attention.type=dot")};
  o.seeds = 2;
  o.budget = nmt::parse_budget("updates=30");
  o.out_dir = out;
  std::atomic<int> stop{2};
  o.stop_request = &stop;
  CHECK_FALSE(nmt::compare(o));
  CHECK_FALSE(fs::exists(out + "/runs/mlp/seed-1/result.json"));

  // ... and the same command resumes it. The config's max_steps (3) is lifted for the budget.
  const std::string command = "compare '" + config +
                              "' --variant mlp --variant dot:model.attention.type=dot "
                              "--seeds 2 --budget updates=30 --out '" +
                              out + "'";
  const auto r = nmt::test::run_nmt(command);
  INFO(r.output);
  REQUIRE(r.status == 0);

  const auto results = nlohmann::json::parse(read_text(out + "/results.json"));
  REQUIRE(results.size() == 4);
  const std::string spm = read_text(out + "/vocab/spm.model");
  REQUIRE(spm.size() > 100);
  for (const auto& run : results) {
    INFO(run.dump());
    CHECK(run["updates"] == 30);
    CHECK(run["vocab"] == results[0]["vocab"]);
    CHECK(run["curve"].size() == 3);  // validations at 10, 20, 30
    CHECK(run["aer"].is_number());
    const auto dir_of = out + "/runs/" + run["variant"].get<std::string>() + "/seed-" +
                        std::to_string(run["seed"].get<int>());
    CHECK(read_text(dir_of + "/model/spm.model") == spm);
  }
  // The same seed reads the same batches whatever the variant.
  CHECK(results[0]["train_tokens"] == results[2]["train_tokens"]);
  CHECK(results[1]["train_tokens"] == results[3]["train_tokens"]);
  CHECK(results[0]["train_tokens"] != results[1]["train_tokens"]);

  const auto md = read_text(out + "/report.md");
  CHECK_THAT(md, Catch::Contains("| variant | overrides | BLEU | chrF | ΔBLEU vs mlp | dev ppl | "
                                 "train tok/s | decode sent/s | parameters | entropy (nats) | "
                                 "AER |"));
  CHECK_THAT(md, Catch::Contains("AER of attention baselines on the same references: uniform "));
  for (const std::string variant : {"mlp", "dot"}) {
    INFO(variant);
    const auto summary = cells(md, variant);
    REQUIRE(summary.size() == 11);
    // Columns: BLEU 2, chrF 3, dev ppl 5, AER 10 in the summary; 3, 4, 5, 11 per seed.
    for (const auto& [column, per_seed] :
         std::vector<std::pair<size_t, size_t>>{{2, 3}, {3, 4}, {5, 5}, {10, 11}}) {
      const auto mean_sd = numbers_in(summary[column]);
      REQUIRE(mean_sd.size() == 2);
      const double a = std::stod(cells(md, variant + " | 1")[per_seed]);
      const double b = std::stod(cells(md, variant + " | 2")[per_seed]);
      CHECK(mean_sd[0] == Approx((a + b) / 2).margin(0.006));
      CHECK(mean_sd[1] == Approx(std::abs(a - b) / std::sqrt(2.0)).margin(0.011));
    }
    CHECK(cells(md, variant + " | 1")[2] == "30");
    CHECK(cells(md, variant + " | 2")[2] == "30");
  }
  for (const char* picture : {"mlp-line-1.svg", "dot-line-1.svg", "mlp-line-2.svg"}) {
    CHECK(read_text(out + "/pictures/" + picture).rfind("<svg", 0) == 0);
  }
  const auto curve = read_text(out + "/curve.svg");
  CHECK(std::count(curve.begin(), curve.end(), '<') > 20);
  CHECK_THAT(read_text(out + "/report.html"), Catch::Contains("<polyline"));

  // Done: run again, nothing trains and the report is the same.
  const auto again = nmt::test::run_nmt(command);
  INFO(again.output);
  CHECK(again.status == 0);
  CHECK_THAT(again.output, !Catch::Contains("training ("));
  CHECK(read_text(out + "/report.md") == md);

  // A run stopped after training but before its result: evaluated again, nothing trained. A run
  // stopped before its first step checkpoint (best.ckpt and metrics.jsonl left): trained afresh.
  const auto dot2 = out + "/runs/dot/seed-2";
  fs::remove(dot2 + "/result.json");
  fs::remove_all(out + "/runs/mlp/seed-2/model/checkpoints");
  fs::remove(out + "/runs/mlp/seed-2/result.json");
  const auto redo = nmt::test::run_nmt(command);
  INFO(redo.output);
  REQUIRE(redo.status == 0);
  CHECK_THAT(redo.output, Catch::Contains("[train] stopped at step 30: update budget reached (0 "
                                          "target tokens"));
  const auto redone = nlohmann::json::parse(read_text(out + "/results.json"));
  CHECK(redone[3]["test_bleu"] == results[3]["test_bleu"]);
  CHECK(redone[3]["train_tokens"] == results[3]["train_tokens"]);
  CHECK(redone[1]["updates"] == 30);
  CHECK(redone[1]["train_tokens"] == results[1]["train_tokens"]);
  CHECK(redone[1]["curve"].size() == 3);

  // Other settings in the same folder: refused, naming what differs.
  const auto other = nmt::test::require_one_line_error(
      nmt::test::run_nmt("compare '" + config +
                         "' --variant mlp --variant dot:model.attention.type=dot --seeds 3 "
                         "--budget updates=30 --out '" +
                         out + "'"));
  CHECK_THAT(other, Catch::Contains("compare.json: --out " + out +
                                    " holds a comparison with other seeds"));

  // Only compare.json and the result.json files, kept on another machine: the subword models are
  // trained again to the same bytes, nothing else trains, and the table is the same.
  const auto kept = dir.file("kept");
  for (const std::string file :
       {"compare.json", "runs/mlp/seed-1/result.json", "runs/mlp/seed-2/result.json",
        "runs/dot/seed-1/result.json", "runs/dot/seed-2/result.json"}) {
    fs::create_directories(fs::path(kept + "/" + file).parent_path());
    fs::copy_file(out + "/" + file, kept + "/" + file);
  }
  const auto kept_command = "compare '" + config +
                            "' --variant mlp --variant dot:model.attention.type=dot --seeds 2 "
                            "--budget updates=30 --out '" +
                            kept + "'";
  const auto restored = nmt::test::run_nmt(kept_command);
  INFO(restored.output);
  REQUIRE(restored.status == 0);
  CHECK_THAT(restored.output, !Catch::Contains("training ("));
  CHECK(read_text(kept + "/vocab/spm.model") == spm);
  CHECK(nlohmann::json::parse(read_text(kept + "/results.json")) == redone);

  // A kept result made with other subword models is refused, naming its file.
  auto foreign = nlohmann::json::parse(read_text(kept + "/runs/dot/seed-2/result.json"));
  foreign["vocab"] = "0123456789abcdef";
  nmt::test::write_text(kept + "/runs/dot/seed-2/result.json", foreign.dump());
  CHECK_THAT(nmt::test::require_one_line_error(nmt::test::run_nmt(kept_command)),
             Catch::Contains(kept +
                             "/runs/dot/seed-2/result.json: the run used other subword "
                             "models than those in " +
                             kept + "/vocab"));
}

TEST_CASE("compare: a trained model's AER is far below the uniform and diagonal baselines",
          "[lab][compare][slow]") {
  nmt::test::TempDir dir;
  const auto config = dates_config(dir, "demo");
  const auto out = dir.file("lab");
  // A few minutes: longer than run_nmt's limit.
  const auto r = run_command("timeout -s KILL 900 " + nmt::test::nmt_binary() + " compare '" +
                             config + "' --variant mlp --budget updates=300 --set " +
                             "train.valid_every=100 --out '" + out + "'");
  INFO(r.output);
  REQUIRE(r.status == 0);
  const auto md = read_text(out + "/report.md");
  INFO(md);
  const auto baselines = numbers_in(md.substr(md.find("AER of attention baselines")));
  REQUIRE(baselines.size() >= 2);
  const auto result = nlohmann::json::parse(read_text(out + "/results.json"))[0];
  CHECK(result["test_bleu"].get<double>() > 50);
  CHECK(result["aer"].get<double>() < 0.5 * std::min(baselines[0], baselines[1]));
}

TEST_CASE("compare: settings it cannot compare are one-line errors", "[lab][compare]") {
  nmt::test::TempDir dir;
  nmt::test::write_text(dir.file("c.yaml"),
                        "model_dir: m\ndata: {train: t, dev: d, src: en, trg: de}\n");
  const auto base = "compare '" + dir.file("c.yaml") + "' --out '" + dir.file("o") + "' ";
  const auto no_test = nmt::test::require_one_line_error(
      nmt::test::run_nmt(base + "--variant a --budget updates=5"));
  CHECK_THAT(no_test, Catch::Contains("data.test: nmt compare scores every run on the test set"));
  const auto twice = nmt::test::require_one_line_error(nmt::test::run_nmt(
      base + "--variant a --variant a:train.lr=1 --budget updates=5 --set data.test=x"));
  CHECK_THAT(twice, Catch::Contains("--variant a is given twice"));
  const auto bad_key = nmt::test::require_one_line_error(nmt::test::run_nmt(
      base + "--variant a:model.attention.typo=1 --budget updates=5 --set data.test=x"));
  CHECK_THAT(bad_key, Catch::Contains("variant a: ") && Catch::Contains("model.attention.typo"));
  CHECK(nmt::test::require_one_line_error(
            nmt::test::run_nmt(base + "--variant a --budget steps=5 --set data.test=x"))
            .find("--budget 'steps=5'") != std::string::npos);
  CHECK_THAT(
      nmt::test::require_one_line_error(nmt::test::run_nmt(
          base + "--variant a --budget updates=5 --set data.test=x --set train.max_steps=9")),
      Catch::Contains("--set train.max_steps=9: train.max_steps is set by nmt compare"));
  nmt::test::write_text(dir.file("no_dev.yaml"),
                        "model_dir: m\ndata: {train: t, test: x, src: en, trg: de}\n");
  CHECK_THAT(nmt::test::require_one_line_error(
                 nmt::test::run_nmt("compare '" + dir.file("no_dev.yaml") + "' --out '" +
                                    dir.file("o") + "' --variant a --budget updates=5")),
             Catch::Contains("data.dev: nmt compare picks each run's best checkpoint"));
  CHECK_FALSE(fs::exists(dir.file("o")));
}
