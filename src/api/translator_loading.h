// A Translator assembled from model directories as `nmt translate`, `nmt serve` and the library
// (include/nmt/nmt.h) load one: the precision of its matmuls chosen for the CPU, the input
// limit and the shortlist.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/precision.h"

namespace c10 {
struct Device;
}

namespace nmt {

class Translator;

/// The models to load, where they run and in what precision.
struct TranslatorSettings {
  std::vector<std::string> model_dirs, checkpoints;  // checkpoints: none, or one per model dir
  std::string device = "cpu";                        // cpu, cuda or cuda:N (resolve_device)
  std::string precision = "auto";  // fp32, bf16, int8 or auto (choose_search_precision)
  bool shortlist = false;          // search with MODEL/shortlist.tsv (decode/shortlist.h)
  int64_t shortlist_per_source = 50, shortlist_frequent = 100;
  int64_t max_input_tokens = -1;  // -1: the Translator's default (limit_input_tokens)
  bool serving = false;           // searches of a few sentences each (nmt serve): see below
  int64_t attention_layer = -1, attention_head = -1;  // the attention shown (AttentionView)
};

/// What a search's precision depends on besides the machine.
struct SearchTraits {
  bool serving = false;              // searches of a few sentences each (nmt serve)
  bool transformer_decoder = false;  // some model's model.decoder.type is transformer
};

/// The precision of a search's matmuls on `device` for the setting `setting` (--precision),
/// and why (one line for the log). auto: int8 where the CPU has VNNI (unless the search is
/// `serving` or has a `transformer_decoder`), else bf16 where it has AVX512-BF16 or AMX-BF16
/// and may use every core, else fp32. Throws Error for int8 on cuda or without a quantized engine.
/// int8 quantizes each call's activations, and oneDNN makes a primitive for each new scale: a
/// cost per call that a file's batches of 64 sentences hide, and a server's searches of a few
/// sentences do not (one sentence alone: 4x fp32's time, bench/RESULTS.md "Serving"). A
/// Transformer decoder makes many small calls per step: int8 searched it at 0.85x fp32.
PrecisionChoice choose_search_precision(const std::string& setting, const c10::Device& device,
                                        const SearchTraits& search = {});

/// The traits of searching with the models of `model_dirs` (`checkpoints` as the Translator
/// takes them); throws Error as the Translator does for a missing or unreadable model.
SearchTraits search_traits(const std::vector<std::string>& model_dirs,
                           const std::vector<std::string>& checkpoints, bool serving);

struct LoadedTranslator {
  std::unique_ptr<Translator> translator;
  std::vector<std::string> notes;  // lines for the log: the precision and why, the shortlist
};

/// The models of `settings` loaded for searching, with the first model's shortlist if asked.
/// Throws Error naming the file or setting that is wrong.
LoadedTranslator load_translator(const TranslatorSettings& settings);

}  // namespace nmt
