#include "lab/run_result.h"

#include "common/errors.h"
#include "common/files.h"

namespace nmt {

using nlohmann::json;

nlohmann::json to_json(const RunResult& r) {
  json curve = json::array();
  for (const auto& [update, bleu] : r.curve) curve.push_back({update, bleu});
  return {{"variant", r.variant},
          {"seed", r.seed},
          {"updates", r.updates},
          {"train_tokens", r.train_tokens},
          {"train_seconds", r.train_seconds},
          {"tokens_per_second", r.tokens_per_second},
          {"dev_ppl", r.dev_ppl},
          {"dev_bleu", r.dev_bleu},
          {"best_step", r.best_step},
          {"test_bleu", r.test_bleu},
          {"test_chrf", r.test_chrf},
          {"sentences_per_second", r.sentences_per_second},
          {"parameters", r.parameters},
          {"entropy", r.entropy},
          {"aer", r.aer ? json(*r.aer) : json(nullptr)},
          {"curve", curve},
          {"vocab", r.vocab}};
}

RunResult read_run_result(const std::string& path) {
  try {
    const json j = json::parse(read_file(path));
    RunResult r;
    j.at("variant").get_to(r.variant);
    j.at("seed").get_to(r.seed);
    j.at("updates").get_to(r.updates);
    j.at("train_tokens").get_to(r.train_tokens);
    j.at("train_seconds").get_to(r.train_seconds);
    j.at("tokens_per_second").get_to(r.tokens_per_second);
    j.at("dev_ppl").get_to(r.dev_ppl);
    j.at("dev_bleu").get_to(r.dev_bleu);
    j.at("best_step").get_to(r.best_step);
    j.at("test_bleu").get_to(r.test_bleu);
    j.at("test_chrf").get_to(r.test_chrf);
    j.at("sentences_per_second").get_to(r.sentences_per_second);
    j.at("parameters").get_to(r.parameters);
    j.at("entropy").get_to(r.entropy);
    if (!j.at("aer").is_null()) r.aer = j.at("aer").get<double>();
    for (const auto& point : j.at("curve")) r.curve.emplace_back(point.at(0), point.at(1));
    j.at("vocab").get_to(r.vocab);
    return r;
  } catch (const json::exception& e) {
    throw DataError(path + ": not a run result (" + e.what() +
                    "); remove the file to evaluate the run again");
  }
}

}  // namespace nmt
