#include "data/batch.h"

#include <torch/torch.h>

namespace nmt {

Batch Batch::to(const torch::Device& device) const {
  return {src.to(device), src_lengths.to(device), trg_in.to(device), trg_out.to(device),
          trg_tokens};
}

std::pair<torch::Tensor, torch::Tensor> make_source_batch(
    const std::vector<std::vector<int>>& sentences, const std::vector<int64_t>& indices) {
  const auto n = static_cast<int64_t>(indices.size());
  int64_t longest = 0;
  for (int64_t i : indices) {
    longest = std::max<int64_t>(longest, static_cast<int64_t>(sentences[i].size()) + 1);
  }
  auto ids = torch::full({n, longest}, kPadId, torch::kInt64);
  auto lengths = torch::empty({n}, torch::kInt64);
  auto src = ids.accessor<int64_t, 2>();
  auto src_len = lengths.accessor<int64_t, 1>();
  for (int64_t row = 0; row < n; ++row) {
    const auto& x = sentences[indices[row]];
    const auto sx = static_cast<int64_t>(x.size());
    for (int64_t j = 0; j < sx; ++j) src[row][j] = x[j];
    src[row][sx] = kEosId;
    src_len[row] = sx + 1;
  }
  return {ids, lengths};
}

Batch make_batch(const EncodedCorpus& corpus, const std::vector<int64_t>& indices) {
  const auto n = static_cast<int64_t>(indices.size());
  int64_t max_trg = 0;
  for (int64_t i : indices) {
    max_trg = std::max<int64_t>(max_trg, static_cast<int64_t>(corpus.trg[i].size()) + 1);
  }
  Batch b;
  std::tie(b.src, b.src_lengths) = make_source_batch(corpus.src, indices);
  b.trg_in = torch::full({n, max_trg}, kPadId, torch::kInt64);
  b.trg_out = torch::full({n, max_trg}, kPadId, torch::kInt64);
  auto trg_in = b.trg_in.accessor<int64_t, 2>();
  auto trg_out = b.trg_out.accessor<int64_t, 2>();
  for (int64_t row = 0; row < n; ++row) {
    const auto& y = corpus.trg[indices[row]];
    const auto sy = static_cast<int64_t>(y.size());
    trg_in[row][0] = kBosId;
    for (int64_t j = 0; j < sy; ++j) {
      trg_in[row][j + 1] = y[j];
      trg_out[row][j] = y[j];
    }
    trg_out[row][sy] = kEosId;
    b.trg_tokens += sy + 1;
  }
  return b;
}

}  // namespace nmt
