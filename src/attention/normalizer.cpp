// The normalizer registry: one line per normalizer.
#include "attention/normalizer.h"

#include <limits>

#include "attention/entmax.h"
#include "attention/sparsemax.h"
#include "common/registry.h"

namespace nmt {
namespace {

const Registry<Normalizer>& normalizer_registry() {
  static const Registry<Normalizer> normalizers = [] {
    Registry<Normalizer> r("model.attention.normalizer");
    r.add("softmax", &masked_softmax);
    r.add("sparsemax", &sparsemax);
    r.add("entmax15", &entmax15);
    return r;
  }();
  return normalizers;
}

// Far enough below a row's largest score (0 after the shift) to lie outside the support of
// sparsemax (whose threshold is at least max - 1) and of entmax15 (at least max - 2).
constexpr double kFar = 10;

}  // namespace

std::vector<std::string> normalizer_names() { return normalizer_registry().names(); }

Normalizer normalizer_named(const std::string& name) { return normalizer_registry().at(name); }

ShiftedScores shift_for_sorting(const torch::Tensor& scores, const torch::Tensor& mask) {
  const auto real = mask.expand(scores.sizes());
  const auto padding = real.logical_not();
  // A row without a real position keeps 0 as its largest score; its weights are zeroed later.
  const auto largest = scores.masked_fill(padding, -std::numeric_limits<double>::infinity())
                           .amax(/*dim=*/-1, /*keepdim=*/true)
                           .masked_fill(real.any(/*dim=*/-1, /*keepdim=*/true).logical_not(), 0.0);
  return {(scores - largest).masked_fill(padding, -kFar), real};
}

}  // namespace nmt
