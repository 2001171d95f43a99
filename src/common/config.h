// The typed configuration of nmt: one struct per YAML section, with defaults. config.cpp is
// the one place that knows every key, its type, range and meaning; configs/*.yaml are the
// commented examples.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace nmt {

// The config's named choices that are not registries of modules. Each is read into its enum
// once, at load (config.cpp), so no code compares names. choice_names gives an enum's names in
// its order (config_choices.cpp), choice_name one value's: for messages, logs and written YAML.
enum class SubwordType { unigram, bpe };
enum class LayerNorm { pre, post };  // before each sublayer, or after its residual sum
enum class DecoderStyle { bahdanau, luong };
enum class DecoderInit { bridge, zeros };
enum class HardInference { argmax, expected };
enum class ValidMetric { bleu, chrf, loss, ppl };

const std::vector<std::string>& choice_names(SubwordType);
const std::vector<std::string>& choice_names(LayerNorm);
const std::vector<std::string>& choice_names(DecoderStyle);
const std::vector<std::string>& choice_names(DecoderInit);
const std::vector<std::string>& choice_names(HardInference);
const std::vector<std::string>& choice_names(ValidMetric);

template <typename Choice>
const std::string& choice_name(Choice value) {
  return choice_names(value).at(static_cast<size_t>(value));
}

struct SubwordConfig {
  SubwordType type = SubwordType::unigram;
  int64_t vocab_size = 8000;
  bool joint = true;  // one model for both languages
  double character_coverage = 1.0;
};

struct DataConfig {
  std::string train, dev, test;  // path prefixes: <prefix>.<src|trg>[.gz]
  std::string src, trg;          // language suffixes
  int64_t max_len = 100;         // training pairs longer than this (subwords) are dropped
  SubwordConfig subwords;
};

struct EncoderConfig {
  std::string type = "rnn";  // rnn | transformer
  std::string rnn = "gru";   // gru | lstm
  int64_t embedding_dim = 256;
  int64_t layers = 1;
  int64_t hidden = 256;  // per direction
  bool bidirectional = true;
  double dropout = 0.2;
  int64_t heads = 4;                // transformer: self-attention heads
  int64_t ff_size = 1024;           // transformer: feed-forward inner size
  LayerNorm norm = LayerNorm::pre;  // transformer
};

struct DecoderConfig {
  std::string type = "rnn";  // rnn | transformer (model/architectures.cpp)
  std::string rnn = "gru";
  int64_t embedding_dim = 256;
  int64_t layers = 1;
  int64_t hidden = 512;
  DecoderStyle style = DecoderStyle::luong;
  bool input_feeding = true;
  DecoderInit init = DecoderInit::bridge;
  bool tied_embeddings = false;
  double dropout = 0.2;
  int64_t heads = 4;                // transformer
  int64_t ff_size = 1024;           // transformer
  LayerNorm norm = LayerNorm::pre;  // transformer
};

struct AttentionConfig {
  std::string type = "mlp";
  int64_t heads = 1;              // multi_head
  double temperature = 0.1;       // cosine: softmax(cos / temperature)
  bool learn_temperature = true;  // cosine
  std::string score = "mlp";      // local_m, local_p, hard: the global type that scores
  int64_t window = 10;            // local_m, local_p: D, the window is [p_t - D, p_t + D]
  double baseline_decay = 0.9;    // hard: REINFORCE moving-average baseline
  double entropy_weight = 0.01;   // hard: weight of the entropy bonus
  HardInference inference = HardInference::argmax;  // hard: the argmax state or soft context
  std::string normalizer = "softmax";  // softmax | sparsemax | entmax15 (attention/normalizer.h)
  int64_t positions = 128;             // location: source positions with a score of their own
};

struct ModelConfig {
  EncoderConfig encoder;
  DecoderConfig decoder;
  AttentionConfig attention;
  bool shared_embeddings = false;  // one embedding for source and target (joint subwords)
};

struct TrainConfig {
  double lr = 1e-3;
  int64_t batch_tokens = 3000;       // padded target tokens per batch
  int64_t max_steps = 0;             // 0: no limit
  int64_t max_epochs = 0;            // 0: no limit
  double max_minutes = 0;            // wall-clock budget; 0: no limit
  int64_t valid_every = 1000;        // steps
  int64_t threads = 0;               // 0: LibTorch's default
  double distributed_timeout = 300;  // seconds a worker waits for the others
  int64_t seed = 42;
  std::string optimizer = "adam";  // adam | adamw (train/optimizer.cpp)
  double adam_beta1 = 0.9, adam_beta2 = 0.999, adam_eps = 1e-8, weight_decay = 0;
  std::string schedule = "constant";  // constant | plateau | warmup_rsqrt (train/schedule.cpp)
  double plateau_factor = 0.5;        // plateau: lr *= factor after `patience` bad validations
  int64_t plateau_patience = 2;
  double min_lr = 1e-6;         // plateau: lower bound
  int64_t warmup_steps = 1000;  // warmup_rsqrt: linear warm-up, then lr * sqrt(warmup/step)
  double label_smoothing = 0.1;
  std::string precision = "fp32";  // fp32 | bf16 | auto (common/precision.h)
  std::string workers = "auto";    // auto | N: local worker processes of `nmt train`
  double coverage_loss = 0;        // weight of the coverage loss (See et al. 2017, eq. 12)
  double clip_grad_norm = 1.0;     // 0: no clipping
  double ema = 0;                  // decay of the parameters' moving average; 0: none
  int64_t accumulate = 1;          // batches per update
  ValidMetric valid_metric = ValidMetric::bleu;  // picks the best checkpoint
  int64_t patience = 0;           // stop after this many validations without improvement
  int64_t keep_last = 3;          // step checkpoints kept besides the best
  int64_t log_every = 50;         // steps between progress log lines
  int64_t valid_batch_size = 64;  // sentences per batch when decoding dev
};

struct Config {
  std::string model_dir;
  std::string device = "cpu";  // cpu | cuda
  DataConfig data;
  ModelConfig model;
  TrainConfig train;
  // Where each key or section was set ("file:line" or "--set key=value"); keys left at their
  // default are absent. `file` is the config's file name.
  std::map<std::string, std::string> origin;
  std::string file;
};

/// Where `key` was set, else where its nearest enclosing section was, else the file name.
std::string where_set(const Config& config, const std::string& key);

/// Loads a YAML config file and applies `overrides` ("key.path=value", as given to --set).
/// Throws ConfigError `file:line: key.path: problem` for unknown keys, wrong types,
/// out-of-range values, unknown choices and missing required keys. What spans several keys
/// or needs to know the model's parts (attention types and their parameters, sizes that must
/// fit together) is checked by check_model_config (model/config_check.h).
Config load_config(const std::string& path, const std::vector<std::string>& overrides = {});

/// As load_config, from YAML text; `name` stands for the file name in messages.
Config parse_config(const std::string& yaml_text, const std::string& name,
                    const std::vector<std::string>& overrides = {});

/// The resolved config as YAML (every key, defaults included, except those in `omit`, e.g.
/// unused_config_keys()), loadable by load_config.
std::string config_to_yaml(const Config& config, const std::set<std::string>& omit);

/// The resolved config as `key.path = value` lines (except the keys in `omit`), for the log.
std::vector<std::string> config_to_lines(const Config& config, const std::set<std::string>& omit);

/// One key of the config schema, as `nmt config keys` lists it.
struct ConfigKey {
  std::string key;
  std::string type;           // the values it takes, e.g. "integer >= 1", "one of: gru, lstm"
  std::string default_value;  // "" for a required key
  bool required = false;
  std::string meaning;
};

/// Every key of the schema, in the schema's order.
std::vector<ConfigKey> config_keys();

}  // namespace nmt
