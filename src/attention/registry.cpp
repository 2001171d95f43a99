// The attention registry: one line per type.
#include "attention/registry.h"

#include <functional>

#include "attention/attention.h"
#include "attention/bilinear_attention.h"
#include "attention/cosine_attention.h"
#include "attention/coverage_attention.h"
#include "attention/dot_attention.h"
#include "attention/hard_attention.h"
#include "attention/local_attention.h"
#include "attention/location_attention.h"
#include "attention/mlp_attention.h"
#include "attention/multi_head_attention.h"
#include "attention/normalizer.h"
#include "common/config.h"
#include "common/registry.h"

namespace nmt {
namespace {

// The global type that scores inside local and hard attention (model.attention.score).
std::shared_ptr<Attention> make_scorer(const AttentionConfig& config, const AttentionShape& shape) {
  AttentionConfig scorer = config;
  scorer.type = config.score;
  return make_attention(scorer, shape);
}

struct AttentionEntry {
  std::set<std::string> parameters;  // keys under model.attention besides `type`
  std::function<std::shared_ptr<Attention>(const AttentionConfig&, const AttentionShape&)> make;
};

const Registry<AttentionEntry>& attention_registry() {
  static const Registry<AttentionEntry> entries = [] {
    Registry<AttentionEntry> r("model.attention.type");
    // One line per type: name, parameters (every type takes "normalizer"), factory.
    using C = const AttentionConfig&;
    using S = const AttentionShape&;
    r.add("dot", {{"normalizer"},
                  [](C, S s) { return std::make_shared<DotAttention>(s, /*scaled=*/false); }});
    r.add("scaled_dot", {{"normalizer"}, [](C, S s) {
                           return std::make_shared<DotAttention>(s, /*scaled=*/true);
                         }});
    r.add("cosine", {{"temperature", "learn_temperature", "normalizer"}, [](C c, S s) {
                       return std::make_shared<CosineAttention>(s, c.temperature,
                                                                c.learn_temperature);
                     }});
    r.add("mlp", {{"normalizer"}, [](C, S s) { return std::make_shared<MlpAttention>(s); }});
    r.add("bilinear",
          {{"normalizer"}, [](C, S s) { return std::make_shared<BilinearAttention>(s); }});
    r.add("multi_head", {{"heads", "normalizer"}, [](C c, S s) {
                           return std::make_shared<MultiHeadAttention>(s, c.heads);
                         }});
    const std::set<std::string> local = {"score", "window", "temperature", "learn_temperature",
                                         "normalizer"};
    r.add("local_m", {local, [](C c, S s) {
                        return std::make_shared<LocalAttention>(
                            s, make_scorer(c, s), LocalAttention::Alignment::monotonic, c.window);
                      }});
    r.add("local_p", {local, [](C c, S s) {
                        return std::make_shared<LocalAttention>(
                            s, make_scorer(c, s), LocalAttention::Alignment::predictive, c.window);
                      }});
    r.add("hard", {{"score", "baseline_decay", "entropy_weight", "inference", "temperature",
                    "learn_temperature", "normalizer"},
                   [](C c, S s) {
                     return std::make_shared<HardAttention>(make_scorer(c, s), c.baseline_decay,
                                                            c.entropy_weight,
                                                            c.inference == HardInference::expected);
                   }});
    r.add("coverage",
          {{"normalizer"}, [](C, S s) { return std::make_shared<CoverageAttention>(s); }});
    r.add("location", {{"positions", "normalizer"}, [](C c, S s) {
                         return std::make_shared<LocationAttention>(s, c.positions);
                       }});
    return r;
  }();
  return entries;
}

}  // namespace

std::vector<std::string> attention_types() { return attention_registry().names(); }

const std::set<std::string>& attention_parameters(const std::string& type) {
  return attention_registry().at(type).parameters;
}

std::shared_ptr<Attention> make_attention(const AttentionConfig& config,
                                          const AttentionShape& shape) {
  auto attention = attention_registry().at(config.type).make(config, shape);
  attention->set_normalizer(normalizer_named(config.normalizer));
  return attention;
}

}  // namespace nmt
