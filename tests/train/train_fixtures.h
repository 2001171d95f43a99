// Test support for training tests: a tiny generated corpus (reverse a word sequence) and a
// tiny config that trains on it in well under a second per step.
#pragma once

#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "common/config.h"
#include "model/checkpoint.h"
#include "model/seq2seq.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace nmt::test {

/// Writes <dir>/train.{src,trg} (and dev.* when `dev` > 0): target = source words reversed.
inline void write_reverse_corpus(const TempDir& dir, int train, int dev, unsigned seed = 1) {
  static const char* words[] = {"red", "blue", "cat", "dog", "sun", "tree", "car", "boat"};
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> pick(0, 7), len(2, 6);
  auto write = [&](const std::string& prefix, int n) {
    std::string src, trg;
    for (int i = 0; i < n; ++i) {
      std::vector<std::string> s(len(rng));
      for (auto& w : s) w = words[pick(rng)];
      for (size_t k = 0; k < s.size(); ++k) src += (k ? " " : "") + s[k];
      for (size_t k = s.size(); k-- > 0;) trg += s[k] + (k ? " " : "");
      src += "\n";
      trg += "\n";
    }
    write_text(dir.file(prefix + ".src"), src);
    write_text(dir.file(prefix + ".trg"), trg);
  };
  write("train", train);
  if (dev > 0) write("dev", dev);
}

/// YAML of a tiny model trained on write_reverse_corpus data in `dir`.
inline std::string tiny_train_yaml(const TempDir& dir, const std::string& model_dir,
                                   bool with_dev) {
  return "model_dir: " + model_dir + "\n" + "data:\n  train: " + dir.file("train") + "\n" +
         (with_dev ? "  dev: " + dir.file("dev") + "\n" : "") +
         "  src: src\n  trg: trg\n  subwords:\n    vocab_size: 24\n"
         "model:\n"
         "  encoder: {embedding_dim: 8, hidden: 8, dropout: 0.1}\n"
         "  decoder: {embedding_dim: 8, hidden: 16, dropout: 0.1}\n"
         "  attention: {type: mlp}\n"
         "train:\n  lr: 0.01\n  batch_tokens: 64\n  threads: 1\n  valid_every: 1000\n"
         "  log_every: 5\n  seed: 3\n";
}

/// A tiny model trained by `nmt train` for a few steps in dir/model (quality is irrelevant),
/// for tests of what uses a trained model; `extra` adds settings (" --set KEY=VALUE" ...).
inline std::string train_tiny_model(const TempDir& dir, const std::string& extra = "") {
  write_reverse_corpus(dir, 200, 0);
  const auto config = dir.file("c.yaml");
  write_text(config, tiny_train_yaml(dir, dir.file("model"), false));
  const auto r =
      run_command(nmt_binary() + " train '" + config + "' --set train.max_steps=5" + extra);
  INFO(r.output);
  REQUIRE(r.status == 0);
  return dir.file("model");
}

/// The events of model_dir/metrics.jsonl whose "event" is `kind` ("train", "valid", "stop").
inline std::vector<nlohmann::json> metrics_events(const std::string& model_dir,
                                                  const std::string& kind) {
  std::ifstream in(model_dir + "/metrics.jsonl");
  std::vector<nlohmann::json> events;
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    if (j["event"] == kind) events.push_back(std::move(j));
  }
  return events;
}

}  // namespace nmt::test
