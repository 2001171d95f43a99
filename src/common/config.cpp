// Loads configs: a schema of every key (type, range, default, meaning) bound to the fields
// of Config, a walk over the YAML that assigns through it, then --set overrides and the
// checks that span several keys.
#include "common/config.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "common/config_field.h"
#include "common/errors.h"

namespace nmt {
namespace {

using namespace config_field;

constexpr double kInf = HUGE_VAL;
// Upper bounds of model sizes: far beyond any real model, far below what cannot be allocated.
constexpr int64_t kMaxSize = 65536;
constexpr int64_t kMaxLayers = 64;

// Every key of the config: the single source of names, types, ranges and meanings.
std::vector<Field> schema_of(Config& c) {
  auto& d = c.data;
  auto& e = c.model.encoder;
  auto& r = c.model.decoder;
  auto& a = c.model.attention;
  auto& t = c.train;
  return {
      text("model_dir", &c.model_dir, "directory for checkpoints, subword models, logs", true),
      choice("device", &c.device, {"cpu", "cuda"}, "where the model runs"),

      text("data.train", &d.train, "training corpus prefix: <prefix>.<src|trg>[.gz]", true),
      text("data.dev", &d.dev, "development (validation) corpus prefix"),
      text("data.test", &d.test, "test corpus prefix"),
      text("data.src", &d.src, "source language suffix, e.g. en", true),
      text("data.trg", &d.trg, "target language suffix, e.g. de", true),
      integer("data.max_len", &d.max_len, 1, 10000,
              "training pairs with more subwords are dropped"),
      choice("data.subwords.type", &d.subwords.type, "SentencePiece model"),
      integer("data.subwords.vocab_size", &d.subwords.vocab_size, 8, 1000000,
              "subword vocabulary size"),
      flag("data.subwords.joint", &d.subwords.joint, "one subword model for both languages"),
      real("data.subwords.character_coverage", &d.subwords.character_coverage, {0, 1, true},
           "share of characters the subword model must cover"),

      text("model.encoder.type", &e.type,
           "encoder kind (model/architectures.cpp): rnn, or transformer (self-attention, "
           "Vaswani et al. 2017)"),
      text("model.encoder.rnn", &e.rnn,
           "rnn: recurrent cell of the encoder (model/recurrent_cell.cpp): gru or lstm"),
      integer("model.encoder.embedding_dim", &e.embedding_dim, 1, kMaxSize,
              "source embedding size (transformer: equal to hidden)"),
      integer("model.encoder.layers", &e.layers, 1, kMaxLayers, "stacked encoder layers"),
      integer("model.encoder.hidden", &e.hidden, 1, kMaxSize,
              "rnn: state size per direction; transformer: model size d"),
      flag("model.encoder.bidirectional", &e.bidirectional, "rnn: run the encoder both ways"),
      integer("model.encoder.heads", &e.heads, 1, 1024, "transformer: self-attention heads"),
      integer("model.encoder.ff_size", &e.ff_size, 1, kMaxSize,
              "transformer: feed-forward inner size"),
      choice("model.encoder.norm", &e.norm,
             "transformer: layer normalisation before each sublayer, or after its residual sum"),
      real("model.encoder.dropout", &e.dropout, {0, 1, false, true},
           "dropout on embeddings and between layers"),

      text("model.decoder.type", &r.type,
           "decoder kind (model/architectures.cpp): rnn (with model.attention), or transformer "
           "(self-attention, Vaswani et al. 2017)"),
      text("model.decoder.rnn", &r.rnn,
           "rnn: recurrent cell of the decoder (model/recurrent_cell.cpp): gru or lstm"),
      integer("model.decoder.embedding_dim", &r.embedding_dim, 1, kMaxSize,
              "target embedding size (transformer: equal to hidden)"),
      integer("model.decoder.layers", &r.layers, 1, kMaxLayers, "stacked decoder layers"),
      integer("model.decoder.hidden", &r.hidden, 1, kMaxSize,
              "rnn: decoder state size; transformer: model size d"),
      integer("model.decoder.heads", &r.heads, 1, 1024,
              "transformer: heads of the self- and source attention"),
      integer("model.decoder.ff_size", &r.ff_size, 1, kMaxSize,
              "transformer: feed-forward inner size"),
      choice("model.decoder.norm", &r.norm,
             "transformer: layer normalisation before each sublayer, or after its residual sum"),
      choice("model.decoder.style", &r.style,
             "rnn: bahdanau: query = previous state; luong: query = new state"),
      flag("model.decoder.input_feeding", &r.input_feeding,
           "rnn, luong: feed the attentional vector to the next step"),
      choice("model.decoder.init", &r.init,
             "rnn: initial decoder state: learned bridge from the encoder, or zeros"),
      flag("model.decoder.tied_embeddings", &r.tied_embeddings,
           "share target embeddings with the output projection"),
      real("model.decoder.dropout", &r.dropout, {0, 1, false, true},
           "dropout on embeddings, between layers and before the output"),

      text("model.attention.type", &a.type,
           "how the decoder scores encoder states: one of the types in attention/registry.cpp "
           "(dot, scaled_dot and cosine compare the decoder state with the encoder states: "
           "where their sizes differ, a learned key projection is added and logged)"),
      integer("model.attention.heads", &a.heads, 1, kMaxSize, "multi_head: number of heads"),
      real("model.attention.temperature", &a.temperature, {0, kInf, true},
           "cosine: softmax(cos / temperature); the initial value if learned"),
      flag("model.attention.learn_temperature", &a.learn_temperature,
           "cosine: learn the temperature"),
      choice("model.attention.score", &a.score, {"dot", "scaled_dot", "cosine", "mlp", "bilinear"},
             "local_m, local_p, hard: the global type that scores source positions"),
      integer("model.attention.window", &a.window, 0, kMaxSize,
              "local_m, local_p: D, attend to [p_t - D, p_t + D]"),
      real("model.attention.baseline_decay", &a.baseline_decay, {0, 1, false, true},
           "hard: decay of the REINFORCE moving-average baseline"),
      real("model.attention.entropy_weight", &a.entropy_weight, {0, kInf},
           "hard: weight of the entropy bonus"),
      choice("model.attention.inference", &a.inference,
             "hard: context at inference: the argmax position's state, or the soft context"),
      text("model.attention.normalizer", &a.normalizer,
           "how scores become weights, for every type: softmax, sparsemax (Martins & Astudillo "
           "2016) or entmax15 (Peters et al. 2019); the last two put exactly 0 on most positions"),
      integer("model.attention.positions", &a.positions, 1, kMaxSize,
              "location: source positions with a score of their own (later ones share the "
              "last one's)"),
      flag("model.shared_embeddings", &c.model.shared_embeddings,
           "one embedding for source and target pieces (needs data.subwords.joint and equal "
           "embedding_dim)"),

      real("train.lr", &t.lr, {0, kInf, true}, "learning rate"),
      integer("train.batch_tokens", &t.batch_tokens, 1, 1000000, "padded target tokens per batch"),
      integer("train.max_steps", &t.max_steps, 0, "stop after this many updates (0: no limit)"),
      integer("train.max_epochs", &t.max_epochs, 0, "stop after this many epochs (0: no limit)"),
      real("train.max_minutes", &t.max_minutes, {0, kInf}, "wall-clock budget (0: no limit)"),
      integer("train.valid_every", &t.valid_every, 1, "validate every this many updates"),
      integer("train.threads", &t.threads, 0, 1024,
              "CPU threads (0: LibTorch's default); with --nproc N, each worker has 1/N of them"),
      real("train.distributed_timeout", &t.distributed_timeout, {0, 1e6, true},
           "seconds a data-parallel worker waits for the others: to join, in a collective, and "
           "while rank 0 validates (longer than a validation takes)"),
      integer("train.seed", &t.seed, 0, "seed of every random choice"),
      real("train.adam_beta1", &t.adam_beta1, {0, 1, false, true}, "Adam beta1"),
      real("train.adam_beta2", &t.adam_beta2, {0, 1, false, true}, "Adam beta2"),
      real("train.adam_eps", &t.adam_eps, {0, kInf, true}, "Adam epsilon"),
      text("train.optimizer", &t.optimizer,
           "optimiser (train/optimizer.cpp): adam, or adamw (decoupled weight decay)"),
      real("train.weight_decay", &t.weight_decay, {0, kInf},
           "weight decay: adam adds it to the gradients (L2), adamw to the update"),
      text("train.schedule", &t.schedule,
           "learning-rate schedule (train/schedule.cpp): constant, plateau, or warmup_rsqrt "
           "(linear warm-up, then 1/sqrt(step): the Transformer's)"),
      real("train.plateau_factor", &t.plateau_factor, {0, 1, true, true},
           "plateau: multiply lr by this when the dev metric stops improving"),
      integer("train.plateau_patience", &t.plateau_patience, 1,
              "plateau: lower lr after this many validations without improvement "
              "(counted as train.patience counts them)"),
      real("train.min_lr", &t.min_lr, {0, kInf}, "plateau: lr never goes below this"),
      integer("train.warmup_steps", &t.warmup_steps, 1,
              "warmup_rsqrt: steps of linear warm-up to lr, then lr*sqrt(warmup/step)"),
      real("train.label_smoothing", &t.label_smoothing, {0, 1, false, true},
           "share of probability spread evenly over the tokens that can be targets "
           "(all but <pad> and <s>)"),
      choice("train.precision", &t.precision, {"fp32", "bf16", "auto"},
             "matmuls in fp32, or in bf16 with fp32 weights, optimiser state and loss; auto: "
             "bf16 where the CPU has AVX512-BF16 or AMX-BF16"),
      integer_or_auto("train.workers", &t.workers, 1, 256,
                      "worker processes `nmt train` runs on this machine (--nproc overrides): "
                      "auto chooses by cores, train.threads and load, and logs why"),
      real("train.coverage_loss", &t.coverage_loss, {0, kInf},
           "weight of the coverage loss sum_t sum_s min(a_ts, sum_{t'<t} a_t's), which "
           "penalises attending again to what was attended (See et al. 2017); any attention type "
           "but hard, whose weights in training are samples that no gradient reaches"),
      real("train.clip_grad_norm", &t.clip_grad_norm, {0, kInf},
           "clip the gradient norm to this (0: no clipping)"),
      integer("train.accumulate", &t.accumulate, 1, "batches whose gradients make one update"),
      real("train.ema", &t.ema, {0, 1},
           "decay of an exponential moving average of the weights, updated after every update "
           "(Marian's exponential smoothing; a half-life of h updates is 0.5^(1/h)): validation "
           "scores it and best.ckpt holds it (0: none)"),
      choice("train.valid_metric", &t.valid_metric,
             "dev metric that picks the best checkpoint and drives plateau and patience"),
      integer("train.patience", &t.patience, 0,
              "stop after this many validations without improvement (0: never)"),
      integer("train.keep_last", &t.keep_last, 1, "step checkpoints kept besides the best"),
      integer("train.log_every", &t.log_every, 1, "steps between progress lines"),
      integer("train.valid_batch_size", &t.valid_batch_size, 1, 100000,
              "sentences per batch when decoding the dev set"),
  };
}

// Assigns YAML values through the schema, remembering where each key was set.
class Loader {
 public:
  Loader(Config& config, std::string file) : fields_(schema_of(config)), file_(std::move(file)) {}

  void load_document(const YAML::Node& root) {
    if (root.IsNull()) return;
    if (!root.IsMap()) fail(file_ + ":1", "(top level)", "expected a section of keys");
    walk(root, "");
  }

  // Applies one `key.path=value` from the command line.
  void apply_override(const std::string& assignment) {
    const auto eq = assignment.find('=');
    const std::string where = "--set " + assignment;
    if (eq == std::string::npos || eq == 0) fail(where, assignment, "expected key.path=value");
    const std::string key = assignment.substr(0, eq);
    const Field* field = find(key);
    if (!field) {
      if (is_section(key)) fail(where, key, "is a section; set one of its keys");
      fail(where, key, unknown_key_problem(key));
    }
    YAML::Node value;
    try {
      value = YAML::Load(assignment.substr(eq + 1));
    } catch (const YAML::Exception& e) {
      fail(where, key, std::string("cannot parse value: ") + e.msg);
    }
    field->assign(value, where);
    set_at_[key] = where;
  }

  void check_required() const {
    for (const auto& f : fields_) {
      if (!f.required || set_at_.count(f.key)) continue;
      const auto dot = f.key.rfind('.');
      const std::string section = dot == std::string::npos ? "" : f.key.substr(0, dot);
      const auto it = set_at_.find(section);
      fail(it != set_at_.end() ? it->second : file_ + ":1", f.key, "missing required key");
    }
  }

  // Where each key and section was set.
  const std::map<std::string, std::string>& origins() const { return set_at_; }

 private:
  void walk(const YAML::Node& node, const std::string& prefix) {
    std::set<std::string> seen;
    for (const auto& item : node) {
      const std::string name = item.first.Scalar();
      const std::string key = prefix.empty() ? name : prefix + "." + name;
      const std::string where = file_ + ":" + std::to_string(item.first.Mark().line + 1);
      if (!seen.insert(name).second) fail(where, key, "duplicate key");
      if (const Field* field = find(key)) {
        field->assign(item.second, where);
      } else if (is_section(key)) {
        if (!item.second.IsMap()) {
          fail(where, key, "expected a section of keys, got " + describe(item.second));
        }
        walk(item.second, key);
      } else {
        fail(where, key, unknown_key_problem(key));
      }
      set_at_[key] = where;
    }
  }

  const Field* find(const std::string& key) const {
    for (const auto& f : fields_) {
      if (f.key == key) return &f;
    }
    return nullptr;
  }

  bool is_section(const std::string& key) const {
    for (const auto& f : fields_) {
      if (f.key.rfind(key + ".", 0) == 0) return true;
    }
    return false;
  }

  // "unknown key (expected one of: ...)" listing the valid names at the key's level.
  std::string unknown_key_problem(const std::string& key) const {
    const auto dot = key.rfind('.');
    const std::string section = dot == std::string::npos ? "" : key.substr(0, dot + 1);
    std::vector<std::string> names;
    for (const auto& f : fields_) {
      if (f.key.rfind(section, 0) != 0) continue;
      std::string rest = f.key.substr(section.size());
      rest = rest.substr(0, rest.find('.'));
      if (std::find(names.begin(), names.end(), rest) == names.end()) names.push_back(rest);
    }
    if (names.empty()) return "unknown key";
    return "unknown key (expected one of: " + join(names) + ")";
  }

  std::vector<Field> fields_;
  std::string file_;
  std::map<std::string, std::string> set_at_;  // key (or section) -> where it was set
};

Config parse(const YAML::Node& root, const std::string& name,
             const std::vector<std::string>& overrides) {
  Config config;
  Loader loader(config, name);
  loader.load_document(root);
  for (const auto& o : overrides) loader.apply_override(o);
  loader.check_required();
  config.origin = loader.origins();
  config.file = name;
  return config;
}

YAML::Node parse_yaml(const std::string& text, const std::string& name) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(name + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
}

// The fields of `config` but those in `omit`.
std::vector<Field> fields_except(Config& config, const std::set<std::string>& omit) {
  std::vector<Field> fields;
  for (auto& f : schema_of(config)) {
    if (!omit.count(f.key)) fields.push_back(std::move(f));
  }
  return fields;
}

}  // namespace

Config parse_config(const std::string& yaml_text, const std::string& name,
                    const std::vector<std::string>& overrides) {
  return parse(parse_yaml(yaml_text, name), name, overrides);
}

Config load_config(const std::string& path, const std::vector<std::string>& overrides) {
  // Checked before opening: opening a FIFO waits for a writer, /dev/zero never ends.
  constexpr std::uintmax_t kMaxBytes = 16 << 20;
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) throw ConfigError(path + ": cannot open config file");
  if (!std::filesystem::is_regular_file(status)) {
    throw ConfigError(path + ": not a regular file (expected a YAML config file)");
  }
  if (std::filesystem::file_size(path, ec) > kMaxBytes) {
    throw ConfigError(path + ": larger than 16 MiB (expected a YAML config file)");
  }
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot open config file");
  std::stringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path, overrides);
}

std::string where_set(const Config& config, const std::string& key) {
  for (std::string k = key;;) {
    const auto it = config.origin.find(k);
    if (it != config.origin.end()) return it->second;
    const auto dot = k.rfind('.');
    if (dot == std::string::npos) return config.file;
    k.resize(dot);
  }
}

std::string config_to_yaml(const Config& config, const std::set<std::string>& omit) {
  Config copy = config;
  YAML::Node root(YAML::NodeType::Map);
  for (const auto& f : fields_except(copy, omit)) {
    std::vector<std::string> parts;
    std::stringstream ss(f.key);
    for (std::string part; std::getline(ss, part, '.');) parts.push_back(part);
    // yaml-cpp's operator[] returns nodes by value; walk with reset() to keep references.
    YAML::Node node = root;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      YAML::Node child = node[parts[i]];
      node.reset(child);
    }
    node[parts.back()] = f.show();
  }
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

std::vector<ConfigKey> config_keys() {
  Config defaults;
  std::vector<ConfigKey> keys;
  for (const auto& f : schema_of(defaults)) {
    keys.push_back({f.key, f.type, f.required ? "" : f.show(), f.required, f.meaning});
  }
  return keys;
}

std::vector<std::string> config_to_lines(const Config& config, const std::set<std::string>& omit) {
  Config copy = config;
  std::vector<std::string> lines;
  for (const auto& f : fields_except(copy, omit)) lines.push_back(f.key + " = " + f.show());
  return lines;
}

}  // namespace nmt
