// `nmt compare`: trains every variant of a config with every seed on equal terms, evaluates
// each on the test set, and writes a report (lab/report.h). Equal terms: one set of subword
// models trained once and copied into every run, the same batch order for the same seed, the
// same budget of pure training (the config's own step, epoch, time and patience limits are
// lifted), the best checkpoint of each decoded with the same search.
//
//   OUT/compare.json                 the settings, checked when the comparison is resumed
//   OUT/vocab/                       the shared subword models
//   OUT/runs/NAME/seed-K/model/      a model directory as `nmt train` writes it
//   OUT/runs/NAME/seed-K/result.json what the run measured; a run with one is done
//   OUT/report.md, report.html, curve.svg, pictures/
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "decode/search.h"
#include "lab/variant.h"

namespace nmt {

struct CompareOptions {
  std::string config_file;
  std::vector<std::string> overrides;  // --set, for every variant
  std::vector<Variant> variants;
  int64_t seeds = 1;  // train.seed 1..seeds
  TrainBudget budget;
  std::string out_dir;
  SearchOptions search{/*beam=*/5};
  int64_t batch_size = 64;  // sentences per batch when decoding the test set
  int64_t pictures = 2;     // test lines whose attention is drawn side by side
  /// Non-zero (a signal number): the run in progress checkpoints and the comparison stops,
  /// to be resumed by the same call. Null: never.
  const std::atomic<int>* stop_request = nullptr;
};

/// Runs what is not done yet, seed by seed, and writes the report after every run. Returns false
/// if it stopped on request
/// before every run was done. Throws ConfigError for settings that cannot be compared (no
/// test set, a variant's config that does not load, OUT holding another comparison).
bool compare(const CompareOptions& options);

}  // namespace nmt
