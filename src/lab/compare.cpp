#include "lab/compare.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "common/config.h"
#include "common/directory_lock.h"
#include "common/errors.h"
#include "common/files.h"
#include "data/corpus.h"
#include "decode/translator.h"
#include "eval/alignment.h"
#include "eval/bleu.h"
#include "eval/chrf.h"
#include "lab/report.h"
#include "lab/run_result.h"
#include "model/checkpoint.h"
#include "model/device.h"
#include "train/collective.h"
#include "train/config_check.h"

namespace nmt {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The config's own limits are lifted so that the budget alone ends every run.
const std::vector<std::string> kBudgetOnly = {"train.max_steps=0", "train.max_epochs=0",
                                              "train.max_minutes=0", "train.patience=0"};

fs::path run_dir(const CompareOptions& o, const std::string& variant, int64_t seed) {
  return fs::path(o.out_dir) / "runs" / variant / ("seed-" + std::to_string(seed));
}

Config run_config(const CompareOptions& o, const Variant& v, int64_t seed) {
  auto overrides = o.overrides;
  overrides.insert(overrides.end(), v.overrides.begin(), v.overrides.end());
  overrides.insert(overrides.end(), kBudgetOnly.begin(), kBudgetOnly.end());
  overrides.push_back("train.seed=" + std::to_string(seed));
  overrides.push_back("model_dir=" + (run_dir(o, v.name, seed) / "model").string());
  try {
    Config config = load_config(o.config_file, overrides);
    check_config(config);
    return config;
  } catch (const ConfigError& e) {
    throw ConfigError("variant " + v.name + ": " + e.what());
  }
}

// Of the subword model files' bytes: equal fingerprints, the same subwords.
std::string fingerprint(const std::vector<std::string>& files) {
  size_t hash = 0;
  for (const auto& file : files) hash = hash * 1000003u ^ std::hash<std::string>{}(read_file(file));
  return fmt::format("{:016x}", hash);
}

// (update, greedy dev BLEU, dev perplexity) of every validation in a run's metrics.jsonl.
std::map<int64_t, std::pair<double, double>> validations(const std::string& model_dir) {
  std::map<int64_t, std::pair<double, double>> by_update;
  const auto file = (fs::path(model_dir) / "metrics.jsonl").string();
  const auto lines = read_lines(file);
  for (size_t i = 0; i < lines.size(); ++i) {
    const json event = json::parse(lines[i], nullptr, /*allow_exceptions=*/false);
    if (!event.is_object() || event.value("event", "") != "valid") continue;
    try {
      by_update[event.at("step").get<int64_t>()] = {event.at("bleu").get<double>(),
                                                    event.at("ppl").get<double>()};
    } catch (const json::exception& e) {
      throw DataError(file + ":" + std::to_string(i + 1) + ": not a validation event (" + e.what() +
                      ")");
    }
  }
  return by_update;
}

std::vector<AttentionFileRecord> records_with_place(const std::vector<AttentionRecord>& records,
                                                    const std::string& file) {
  std::vector<AttentionFileRecord> placed;
  for (const auto& r : records) placed.push_back({r, file + ":" + std::to_string(r.line)});
  return placed;
}

void write_records(const std::string& file, const std::vector<AttentionRecord>& records) {
  std::string text;
  for (const auto& r : records) text += to_json_line(r) + "\n";
  write_file_atomic(file, text);
}

// The test set, and its gold alignments where data.test has a PREFIX.align file.
struct TestSet {
  ParallelCorpus pairs;
  std::string gold_file;
  std::vector<std::string> gold;
};

TestSet read_test_set(const Config& config) {
  if (config.data.dev.empty()) {
    throw ConfigError(where_set(config, "data.dev") +
                      ": data.dev: nmt compare picks each run's best checkpoint on the dev set; "
                      "set it (e.g. --set data.dev=PREFIX)");
  }
  if (config.data.test.empty()) {
    throw ConfigError(where_set(config, "data.test") +
                      ": data.test: nmt compare scores every run on the test set; set it (e.g. "
                      "--set data.test=PREFIX)");
  }
  TestSet test;
  test.pairs = read_parallel(config.data.test, config.data.src, config.data.trg, "data.test");
  if (fs::exists(config.data.test + ".align")) {
    test.gold_file = config.data.test + ".align";
    test.gold = read_lines(test.gold_file);
  }
  return test;
}

// Trains one run to the budget (resuming it if it was stopped); false if stopped on request.
bool train_run(const CompareOptions& o, const Config& config) {
  const auto vocab_dir = (fs::path(o.out_dir) / "vocab").string();
  fs::create_directories(config.model_dir);
  const auto shared = subword_model_files(config.data, vocab_dir);
  const auto own = subword_model_files(config.data, config.model_dir);
  for (size_t i = 0; i < shared.size(); ++i) {
    if (!fs::exists(own[i])) fs::copy_file(shared[i], own[i]);
  }
  if (fingerprint(own) != fingerprint(shared)) {
    throw DataError(config.model_dir + ": its subword models differ from those in " + vocab_dir +
                    " (remove the run's folder to train it again)");
  }
  const bool resume = !list_step_checkpoints(config.model_dir).empty();
  if (!resume) {  // stopped before its first step checkpoint: what it left is not a run
    fs::remove(best_checkpoint_path(config.model_dir));
    fs::remove(fs::path(config.model_dir) / "metrics.jsonl");
  }
  const auto alone = single_process();
  const TrainingStart start = start_training(config, resume, *alone);
  TrainControl control;
  control.resume_from = start.resume_from;
  control.stop_request = o.stop_request;
  control.budget = o.budget;
  train(config, start.data, control);
  return !(o.stop_request && o.stop_request->load() != 0);
}

RunResult evaluate_run(const CompareOptions& o, const Config& config, const Variant& v,
                       int64_t seed, const TestSet& test) {
  const fs::path dir = run_dir(o, v.name, seed);
  RunResult r;
  r.variant = v.name;
  r.seed = seed;
  r.vocab = fingerprint(subword_model_files(config.data, config.model_dir));
  const auto steps = list_step_checkpoints(config.model_dir);
  const TrainingProgress last = checkpoint_progress(steps.back());
  r.updates = last.step;
  r.train_tokens = last.trained_tokens;
  r.train_seconds = last.training_seconds;
  r.tokens_per_second = r.train_seconds > 0 ? r.train_tokens / r.train_seconds : 0;
  r.best_step = last.best_step;
  const auto valid = validations(config.model_dir);
  for (const auto& [update, scores] : valid) r.curve.emplace_back(update, scores.first);
  if (valid.count(r.best_step) == 0) {
    throw DataError(config.model_dir + "/metrics.jsonl: no validation at the best step " +
                    std::to_string(r.best_step) + " (remove the run's folder to train it again)");
  }
  std::tie(r.dev_bleu, r.dev_ppl) = valid.at(r.best_step);

  Translator translator(config.model_dir, "", resolve_device(config.device, "device"));
  r.parameters = translator.parameters();
  const auto started = std::chrono::steady_clock::now();
  const auto translations = translator.translate(test.pairs.src, o.search, o.batch_size);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  r.sentences_per_second = seconds > 0 ? static_cast<double>(translations.size()) / seconds : 0;
  std::vector<std::string> hyps;
  std::vector<AttentionRecord> records;
  for (size_t i = 0; i < translations.size(); ++i) {
    const auto& t = translations[i];
    hyps.push_back(t.texts.empty() ? "" : t.texts.front());
    records.push_back(best_attention_record(static_cast<int64_t>(i) + 1, t));
  }
  r.test_bleu = corpus_bleu(hyps, test.pairs.trg).score;
  r.test_chrf = corpus_chrf(hyps, test.pairs.trg).score;
  r.entropy = mean_attention_entropy(records);
  std::string text;
  for (const auto& h : hyps) text += h + "\n";
  write_file_atomic((dir / "test.hyp").string(), text);
  write_records((dir / "test.attention.jsonl").string(), records);

  if (!test.gold.empty()) {
    const auto forced = translator.force(test.pairs.src, test.pairs.trg, o.batch_size);
    std::vector<AttentionRecord> read;
    for (size_t i = 0; i < forced.size(); ++i) {
      read.push_back(best_attention_record(static_cast<int64_t>(i) + 1, forced[i]));
    }
    const auto file = (dir / "test.forced.jsonl").string();
    write_records(file, read);
    r.aer = 100 * corpus_aer(records_with_place(read, file), test.gold, test.gold_file).aer();
  }
  return r;
}

// What makes the runs in OUT comparable: refused when OUT was begun with other settings.
json settings_of(const CompareOptions& o, const Config& base, const TestSet& test) {
  json variants = json::array();
  for (const auto& v : o.variants) {
    variants.push_back({{"name", v.name}, {"overrides", v.overrides}});
  }
  return {{"config", config_to_yaml(base, {"model_dir"})},
          {"variants", variants},
          {"seeds", o.seeds},
          {"budget", budget_text(o.budget)},
          {"search", {o.search.beam, o.search.alpha, o.search.max_len_a, o.search.max_len_b}},
          {"gold alignments", test.gold_file}};
}

void check_settings(const CompareOptions& o, const json& settings) {
  const auto file = (fs::path(o.out_dir) / "compare.json").string();
  if (!fs::exists(file)) return;
  const json before = json::parse(read_file(file), nullptr, /*allow_exceptions=*/false);
  for (const auto& [key, value] : settings.items()) {
    if (!before.is_object() || !before.contains(key) || before.at(key) != value) {
      throw ConfigError(file + ": --out " + o.out_dir + " holds a comparison with other " + key +
                        " (resume it with the same settings, or choose another --out)");
    }
  }
}

std::vector<AttentionRecord> read_records(const std::string& file) {
  std::vector<AttentionRecord> records;
  for (auto& placed : parse_attention_file(read_lines(file), file)) {
    records.push_back(std::move(placed.record));
  }
  return records;
}

size_t variant_index(const CompareOptions& o, const std::string& name) {
  for (size_t i = 0; i < o.variants.size(); ++i) {
    if (o.variants[i].name == name) return i;
  }
  return o.variants.size();
}

void write_report(const CompareOptions& o, const Config& base, const TestSet& test,
                  const std::vector<RunResult>& runs) {
  ReportInput input;
  input.title = o.config_file;
  input.settings = fmt::format(
      "Every run: budget {} of pure training, train.seed 1 to {}, the same subword models "
      "({}), test set {} ({} sentences) decoded with beam {} and alpha {}.",
      budget_text(o.budget), o.seeds, (fs::path(o.out_dir) / "vocab").string(), base.data.test,
      test.pairs.size(), o.search.beam, o.search.alpha);
  const auto total = static_cast<size_t>(o.seeds) * o.variants.size();
  if (runs.size() < total)
    input.settings += fmt::format(" {} of {} runs done.", runs.size(), total);
  input.variants = o.variants;
  input.runs = runs;
  std::stable_sort(input.runs.begin(), input.runs.end(), [&](const auto& a, const auto& b) {
    return variant_index(o, a.variant) < variant_index(o, b.variant);
  });
  // The baselines read a run's forced attention; runs kept from another machine have only
  // their result.json.
  const auto forced_file = [&](const RunResult& r) {
    return (run_dir(o, r.variant, r.seed) / "test.forced.jsonl").string();
  };
  const auto with_aer = std::find_if(runs.begin(), runs.end(), [&](const RunResult& r) {
    return r.aer.has_value() && fs::exists(forced_file(r));
  });
  if (!test.gold.empty() && with_aer != runs.end()) {
    const auto file = forced_file(*with_aer);
    std::vector<AttentionFileRecord> uniform, diagonal;
    for (const auto& placed : parse_attention_file(read_lines(file), file)) {
      uniform.push_back({uniform_attention(placed.record), placed.where});
      diagonal.push_back({diagonal_attention(placed.record), placed.where});
    }
    input.baselines = AerBaselines{100 * corpus_aer(uniform, test.gold, test.gold_file).aer(),
                                   100 * corpus_aer(diagonal, test.gold, test.gold_file).aer()};
  }
  const auto lines = std::min<int64_t>(o.pictures, static_cast<int64_t>(test.pairs.size()));
  input.pictures.resize(static_cast<size_t>(lines));
  for (int64_t line = 1; line <= lines; ++line) input.pictures[line - 1].line = line;
  for (const auto& v : o.variants) {
    const auto file = (run_dir(o, v.name, 1) / "test.attention.jsonl").string();
    const auto records = fs::exists(file) ? read_records(file) : std::vector<AttentionRecord>();
    for (int64_t line = 1; line <= lines; ++line) {
      const auto i = static_cast<size_t>(line - 1);
      input.pictures[i].records.push_back(i < records.size() ? records[i] : AttentionRecord{});
    }
  }
  const LabReport report = make_report(input);
  const fs::path out(o.out_dir);
  fs::create_directories(out / "pictures");
  for (const auto& [name, svg] : report.pictures)
    write_file_atomic((out / "pictures" / name).string(), svg);
  write_file_atomic((out / "curve.svg").string(), report.curve_svg);
  write_file_atomic((out / "report.html").string(), report.html);
  write_file_atomic((out / "report.md").string(), report.markdown);
  json all = json::array();
  for (const auto& r : input.runs) all.push_back(to_json(r));
  write_file_atomic((out / "results.json").string(), all.dump(1) + "\n");
}

}  // namespace

bool compare(const CompareOptions& o) {
  if (o.variants.empty()) throw ConfigError("nmt compare needs at least one --variant");
  for (size_t i = 0; i < o.variants.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (o.variants[i].name == o.variants[j].name) {
        throw ConfigError("--variant " + o.variants[i].name + " is given twice");
      }
    }
  }
  for (const auto& item : o.overrides) check_not_set_by_lab(item, "--set " + item);
  auto vocab_overrides = o.overrides;
  vocab_overrides.push_back("model_dir=" + (fs::path(o.out_dir) / "vocab").string());
  const Config base = load_config(o.config_file, vocab_overrides);
  check_config(base);
  // Every variant's config loads before anything trains.
  std::map<std::string, Config> configs;
  for (const auto& v : o.variants) {
    for (int64_t seed = 1; seed <= o.seeds; ++seed) {
      configs.emplace(run_dir(o, v.name, seed).string(), run_config(o, v, seed));
    }
  }
  const TestSet test = read_test_set(base);
  ensure_writable_dir(o.out_dir, "--out");
  const DirectoryLock lock(o.out_dir, "--out");
  const json settings = settings_of(o, base, test);
  check_settings(o, settings);  // before the subword models, which another comparison may own
  ensure_writable_dir(base.model_dir, "--out");
  prepare_vocabs(base.data, base.model_dir,
                 read_parallel(base.data.train, base.data.src, base.data.trg, "data.train"));
  const auto settings_file = (fs::path(o.out_dir) / "compare.json").string();
  if (!fs::exists(settings_file)) write_file_atomic(settings_file, settings.dump(2) + "\n");
  const auto vocab = fingerprint(subword_model_files(base.data, base.model_dir));

  // Seed by seed, so that a comparison stopped half-way has every variant at the first seeds.
  std::vector<RunResult> runs;
  for (int64_t seed = 1; seed <= o.seeds; ++seed) {
    for (const auto& v : o.variants) {
      if (o.stop_request && o.stop_request->load() != 0) return false;
      const auto dir = run_dir(o, v.name, seed);
      const auto result_file = (dir / "result.json").string();
      if (fs::exists(result_file)) {  // finished here, or kept from another machine
        runs.push_back(read_run_result(result_file));
        if (runs.back().vocab != vocab) {
          throw DataError(result_file + ": the run used other subword models than those in " +
                          base.model_dir + " (remove the run's folder to train it again)");
        }
        continue;
      }
      const Config& config = configs.at(dir.string());
      spdlog::info("[compare] {} seed {}: training ({})", v.name, seed, budget_text(o.budget));
      if (!train_run(o, config)) {
        spdlog::info("[compare] stopped; the same command resumes the comparison");
        return false;
      }
      runs.push_back(evaluate_run(o, config, v, seed, test));
      const auto& r = runs.back();
      write_file_atomic(result_file, to_json(r).dump(1) + "\n");
      spdlog::info("[compare] {} seed {}: {} updates, test BLEU {:.2f}, chrF {:.2f}{}", v.name,
                   seed, r.updates, r.test_bleu, r.test_chrf,
                   r.aer ? fmt::format(", AER {:.2f}", *r.aer) : "");
      write_report(o, base, test, runs);
    }
  }
  write_report(o, base, test, runs);
  spdlog::info("[compare] report: {}", (fs::path(o.out_dir) / "report.md").string());
  return true;
}

}  // namespace nmt
