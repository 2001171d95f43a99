// Test support for training tests: a tiny generated corpus (reverse a word sequence) and a
// tiny config that trains on it in well under a second per step.
#pragma once

#include <random>
#include <string>

#include "common/config.h"
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

}  // namespace nmt::test
