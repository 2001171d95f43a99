// What one run of a comparison measured, and its file OUT/runs/NAME/seed-K/result.json.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nmt {

/// One variant trained with one seed, then evaluated on the test set.
struct RunResult {
  std::string variant;
  int64_t seed = 0;
  int64_t updates = 0;
  int64_t train_tokens = 0;
  double train_seconds = 0;  // pure training
  double tokens_per_second = 0;
  double dev_ppl = 0, dev_bleu = 0;  // at the best checkpoint, which is the one tested
  int64_t best_step = 0;
  double test_bleu = 0, test_chrf = 0;
  double sentences_per_second = 0;  // decoding the test set
  int64_t parameters = 0;
  double entropy = 0;         // nats, mean over the test translations' target pieces
  std::optional<double> aer;  // percent, of the references read by the model (teacher forcing)
  std::vector<std::pair<int64_t, double>> curve;  // (update, greedy dev BLEU) per validation
  std::string vocab;                              // fingerprint of the subword models the run used
};

nlohmann::json to_json(const RunResult& result);

/// Reads a result.json; throws DataError naming `path` if it is not one.
RunResult read_run_result(const std::string& path);

}  // namespace nmt
