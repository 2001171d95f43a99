#include "api/translator_loading.h"

#include <fmt/format.h>

#include <filesystem>

#include "api/search_threads.h"
#include "common/errors.h"
#include "common/int8_matmuls.h"
#include "data/lexicon.h"
#include "data/vocab.h"
#include "decode/shortlist.h"
#include "decode/translator.h"
#include "model/cpu_autocast.h"
#include "model/device.h"

namespace nmt {

PrecisionChoice choose_search_precision(const std::string& setting, const torch::Device& device,
                                        const SearchTraits& search) {
  if (setting == "int8") {
    if (device.is_cuda()) throw Error("--precision int8 is implemented for the CPU only");
    const auto engine = select_int8_engine();
    return {Precision::int8,
            "int8 matmuls (--precision; LibTorch's " + engine + " quantized engine" +
                (int8_activation_levels() < 255
                     ? "; activations in 7 bits, since without VNNI 8 would saturate)"
                     : ")")};
  }
  // Searching files, int8 pays for the RNN where the CPU has VNNI: on the 60-minute recipe model
  // it searched beam 5 1.29-1.35x and greedy 1.12-1.36x as fast as fp32 (one search per core),
  // for 0.11 BLEU; the Transformer recipe's model it searched at 0.85x (bench/RESULTS.md).
  const bool vnni = !device.is_cuda() && cpu_has_vnni();
  const bool int8_pays = !search.serving && !search.transformer_decoder;
  if (setting == "auto" && vnni && int8_pays) {
    try {
      return {Precision::int8, "int8 matmuls (auto: the CPU has VNNI; LibTorch's " +
                                   select_int8_engine() + " quantized engine)"};
    } catch (const Error&) {  // no quantized engine in this LibTorch: as without VNNI
    }
  }
  auto precision = choose_precision(setting, device.is_cuda() ? "cuda" : "cpu", cpu_bf16_support(),
                                    "--precision");
  // Searching, bf16 pays only where it can use every core: confined to one thread, it decoded
  // test2016 at 0.66-0.69x of fp32 with one search per core (2 cores, bench/RESULTS.md).
  if (setting == "auto" && precision.precision == Precision::bf16 &&
      bf16_confined_to_one_thread() && usable_cores() > 1) {
    const int v = onednn_version();
    precision = {Precision::fp32,
                 fmt::format("fp32 (auto: the CPU has bf16, but this LibTorch's oneDNN {}.{}.{} "
                             "confines bf16 searches to one thread, and fp32 with one search per "
                             "core is faster)",
                             v / 10000, v / 100 % 100, v % 100)};
  }
  if (setting == "auto" && vnni && !int8_pays) {
    precision.reason += search.serving
                            ? "; not int8, whose cost per call a server's small searches pay"
                            : "; not int8, whose cost per call a Transformer decoder's many small "
                              "products pay";
    precision.reason += " (the CPU has VNNI; --precision int8 takes it)";
  }
  return precision;
}

SearchTraits search_traits(const std::vector<std::string>& model_dirs,
                           const std::vector<std::string>& checkpoints, bool serving) {
  SearchTraits traits{serving, false};
  for (const auto& config : trained_configs(model_dirs, checkpoints)) {
    if (config.model.decoder.type == "transformer") traits.transformer_decoder = true;
  }
  return traits;
}

LoadedTranslator load_translator(const TranslatorSettings& settings) {
  const auto device = resolve_device(settings.device, "--device");
  const auto precision = choose_search_precision(
      settings.precision, device,
      search_traits(settings.model_dirs, settings.checkpoints, settings.serving));
  LoadedTranslator loaded{std::make_unique<Translator>(settings.model_dirs, settings.checkpoints,
                                                       device, precision.precision),
                          {"precision: " + precision.reason}};
  auto& translator = *loaded.translator;
  if (settings.max_input_tokens >= 0) translator.limit_input_tokens(settings.max_input_tokens);
  translator.show_attention({settings.attention_layer, settings.attention_head});
  if (settings.shortlist) {
    const auto path = shortlist_path(settings.model_dirs.front());
    if (!std::filesystem::exists(path)) {
      throw Error("--shortlist: " + path + " does not exist (make it with `nmt shortlist --model " +
                  settings.model_dirs.front() + "`)");
    }
    const ShortlistOptions options{settings.shortlist_per_source, settings.shortlist_frequent};
    translator.use_shortlist(std::make_shared<Shortlist>(
        read_lexicon(path, translator.source_vocab(), translator.target_vocab()), options,
        translator.target_vocab().size()));
    loaded.notes.push_back(
        fmt::format("shortlist {}: {} translations per source piece and {} "
                    "frequent pieces",
                    path, options.per_source, options.frequent));
  }
  return loaded;
}

}  // namespace nmt
