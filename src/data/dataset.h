// Parallel data as the model sees it: subword ids per sentence, with the pairs that are
// too long (or empty) removed from training data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/vocab.h"

namespace nmt {

struct Config;
struct ParallelCorpus;

/// Subword ids of a parallel corpus; `line[i]` is the 0-based corpus line of pair i.
struct EncodedCorpus {
  std::vector<std::vector<int>> src, trg;
  std::vector<int64_t> line;
  size_t size() const { return src.size(); }
  /// Lengths as the model sees them: subwords plus </s>.
  std::vector<int64_t> src_lengths() const;
  std::vector<int64_t> trg_lengths() const;
};

/// Encodes every pair. With `max_len` > 0, pairs with more subwords than that on either
/// side, or an empty side, are dropped (for training); the count is logged under `name`.
EncodedCorpus encode_corpus(const ParallelCorpus& corpus, const Vocabs& vocabs, int64_t max_len,
                            const std::string& name);

/// Everything training needs from `data`: subword models (trained into model_dir if
/// missing) and the encoded training and dev corpora.
struct PreparedData {
  Vocabs vocabs;
  EncodedCorpus train, dev;
  std::vector<std::string> dev_references;  // raw target lines of the dev set
};

PreparedData prepare_data(const Config& config);

}  // namespace nmt
