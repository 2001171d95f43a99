#include "data/dataset.h"

#include <spdlog/spdlog.h>

#include "common/config.h"
#include "data/corpus.h"

namespace nmt {
namespace {

std::vector<int64_t> lengths_with_eos(const std::vector<std::vector<int>>& sentences) {
  std::vector<int64_t> lens;
  lens.reserve(sentences.size());
  for (const auto& s : sentences) lens.push_back(static_cast<int64_t>(s.size()) + 1);
  return lens;
}

}  // namespace

std::vector<int64_t> EncodedCorpus::src_lengths() const { return lengths_with_eos(src); }
std::vector<int64_t> EncodedCorpus::trg_lengths() const { return lengths_with_eos(trg); }

EncodedCorpus encode_corpus(const ParallelCorpus& corpus, const Vocabs& vocabs, int64_t max_len,
                            const std::string& name) {
  EncodedCorpus out;
  int64_t too_long = 0, empty = 0;
  for (size_t i = 0; i < corpus.size(); ++i) {
    auto src = vocabs.src->encode(corpus.src[i]);
    auto trg = vocabs.trg->encode(corpus.trg[i]);
    if (max_len > 0) {
      if (src.empty() || trg.empty()) {
        ++empty;
        continue;
      }
      if (static_cast<int64_t>(std::max(src.size(), trg.size())) > max_len) {
        ++too_long;
        continue;
      }
    }
    out.src.push_back(std::move(src));
    out.trg.push_back(std::move(trg));
    out.line.push_back(static_cast<int64_t>(i));
  }
  if (too_long > 0) {
    spdlog::info("[data] {}: dropped {} pairs longer than max_len={} subwords", name, too_long,
                 max_len);
  }
  if (empty > 0) spdlog::info("[data] {}: dropped {} pairs with an empty side", name, empty);
  return out;
}

PreparedData prepare_data(const Config& config) {
  const auto& d = config.data;
  PreparedData prepared;
  const ParallelCorpus train = read_parallel(d.train, d.src, d.trg, "data.train");
  spdlog::info("[data] train: {} pairs from {} and {}", train.size(), train.src_file,
               train.trg_file);
  prepared.vocabs = prepare_vocabs(d, config.model_dir, train);
  prepared.train = encode_corpus(train, prepared.vocabs, d.max_len, "train");
  if (!d.dev.empty()) {
    const ParallelCorpus dev = read_parallel(d.dev, d.src, d.trg, "data.dev");
    spdlog::info("[data] dev: {} pairs from {} and {}", dev.size(), dev.src_file, dev.trg_file);
    prepared.dev = encode_corpus(dev, prepared.vocabs, /*max_len=*/0, "dev");
    prepared.dev_references = dev.trg;
  }
  return prepared;
}

}  // namespace nmt
