// search(): option checks, the length rules shared by greedy and beam search, and the choice
// between them.
#include "decode/search.h"

#include <torch/torch.h>

#include <cmath>
#include <string>

#include "common/errors.h"
#include "decode/beam_search.h"
#include "decode/greedy_search.h"

namespace nmt {
namespace {

void require(bool ok, const std::string& problem) {
  if (!ok) throw ConfigError("search: " + problem);
}

}  // namespace

void validate(const SearchOptions& options) {
  require(options.beam >= 1, "beam must be >= 1, got " + std::to_string(options.beam));
  require(options.nbest >= 1 && options.nbest <= options.beam,
          "nbest must be in [1, beam=" + std::to_string(options.beam) + "], got " +
              std::to_string(options.nbest));
  // The beam stopping rule's bound needs a length penalty that grows with the length.
  require(options.alpha >= 0, "alpha must be >= 0, got " + std::to_string(options.alpha));
  require(options.max_len_a >= 0,
          "max_len_a must be >= 0, got " + std::to_string(options.max_len_a));
}

double length_penalty(int64_t length, double alpha) {
  return std::pow((5.0 + static_cast<double>(length)) / 6.0, alpha);
}

int64_t max_output_length(int64_t src_length, const SearchOptions& options) {
  const double limit =
      options.max_len_a * static_cast<double>(src_length) + static_cast<double>(options.max_len_b);
  return std::max<int64_t>(1, static_cast<int64_t>(std::floor(limit + 1e-9)));
}

std::vector<std::vector<Hypothesis>> search(Scorer& scorer, const torch::Tensor& src,
                                            const torch::Tensor& src_lengths,
                                            const SearchOptions& options) {
  validate(options);
  torch::NoGradGuard no_grad;
  if (src.size(0) == 0) return {};
  if (options.beam == 1) return greedy_search(scorer, src, src_lengths, options);
  return beam_search(scorer, src, src_lengths, options);
}

}  // namespace nmt
