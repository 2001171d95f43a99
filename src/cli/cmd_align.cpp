// `nmt align`: word alignments from a model's attention. The model reads each reference
// translation after its source (teacher forcing); every target word is linked to the source
// word its attention prefers (eval/alignment.h), written as Pharaoh `i-j` lines, and the
// attention itself optionally as the records `nmt plot-attention` and `nmt evaluate --metrics
// aer` read.
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "common/errors.h"
#include "common/files.h"
#include "data/corpus.h"
#include "decode/translator.h"
#include "eval/alignment.h"
#include "model/device.h"

namespace nmt::cli {
namespace {

struct AlignOptions {
  std::string model_dir, checkpoint, input, reference, output = "-", attention_out;
  std::string device = "cpu";
  // fp32 by default: alignments are read off the attention, which lower precisions perturb.
  std::string precision = "fp32";
  int64_t batch_size = 64;
  int threads = 0;
  int64_t max_input_tokens = -1;  // -1: the Translator's default
  int64_t attention_layer = -1, attention_head = -1;
};

std::string pharaoh_line(const Links& links) {
  std::ostringstream line;
  for (const auto& [source, target] : links) {
    if (line.tellp() > 0) line << ' ';
    line << source << '-' << target;
  }
  return line.str();
}

int run_align(const AlignOptions& o) {
  refuse_same_output("--output", o.output, "--attention-out", o.attention_out);
  if (o.threads > 0) torch::set_num_threads(o.threads);
  const auto device = resolve_device(o.device, "--device");
  const auto precision = choose_search_precision(
      o.precision, device, search_traits({o.model_dir}, {o.checkpoint}, /*serving=*/false));
  Translator translator({o.model_dir}, {o.checkpoint}, device, precision.precision);
  spdlog::info("[align] precision: {}", precision.reason);
  const auto sources = read_lines(o.input);
  const auto references = read_lines(o.reference);
  if (sources.size() != references.size()) {
    throw DataError("--reference " + o.reference + " has " + std::to_string(references.size()) +
                    " lines and --input " + o.input + " has " + std::to_string(sources.size()) +
                    " (expected one reference per input line)");
  }
  if (o.max_input_tokens >= 0) translator.limit_input_tokens(o.max_input_tokens);
  translator.show_attention({o.attention_layer, o.attention_head});
  std::vector<Translation> forced;
  try {
    forced = translator.force(sources, references, o.batch_size);
  } catch (const InputTooLong& e) {
    throw DataError((e.reference() ? o.reference : o.input) + ":" + std::to_string(e.index() + 1) +
                    ": " + e.what());
  }
  std::ostringstream links, attention;
  for (size_t i = 0; i < forced.size(); ++i) {
    const auto record = best_attention_record(static_cast<int64_t>(i) + 1, forced[i]);
    links << pharaoh_line(attention_links(record)) << "\n";
    if (!o.attention_out.empty()) attention << to_json_line(record) << "\n";
  }
  write_output(o.output, links.str());
  if (!o.attention_out.empty()) write_file_atomic(o.attention_out, attention.str());
  return 0;
}

}  // namespace

Command add_align_command(CLI::App& app) {
  auto o = std::make_shared<AlignOptions>();
  auto* sub = app.add_subcommand(
      "align", "Word alignments of sentence pairs from a model's attention (Pharaoh i-j lines)");
  sub->add_option("--model", o->model_dir, "Model directory written by `nmt train`")->required();
  sub->add_option("--checkpoint", o->checkpoint,
                  "Checkpoint file (default: best.ckpt, else the newest step checkpoint)");
  add_device_option(sub, o->device);
  add_max_input_tokens_option(sub, o->max_input_tokens);
  add_precision_option(sub, o->precision);
  add_attention_view_options(sub, o->attention_layer, o->attention_head);
  sub->add_option("--input", o->input, "Source text file")->required();
  sub->add_option("--reference", o->reference, "Its translations, one per line")->required();
  sub->add_option("--output", o->output,
                  "Alignment file (source word i - target word j, from 0), or - for standard "
                  "output");
  sub->add_option("--attention-out", o->attention_out,
                  "Also write the attention records (JSON lines, as `nmt translate` does)");
  sub->add_option("--batch-size", o->batch_size, "Sentence pairs per batch")
      ->check(CLI::Range(1, 100000));
  sub->add_option("--threads", o->threads, "CPU threads (0: LibTorch's default)")
      ->check(CLI::Range(0, 1024));
  return {sub, [o] { return run_align(*o); }};
}

}  // namespace nmt::cli
