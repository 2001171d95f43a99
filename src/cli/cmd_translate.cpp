// `nmt translate`: translate text with a trained model.
#include <memory>

#include "cli/commands.h"
#include "common/errors.h"

namespace nmt::cli {
namespace {

struct TranslateOptions {
  std::string model_dir, checkpoint, input = "-", output = "-";
  int beam = 5, nbest = 1, batch_size = 64;
  double alpha = 0.6;
};

}  // namespace

Command add_translate_command(CLI::App& app) {
  auto o = std::make_shared<TranslateOptions>();
  auto* sub = app.add_subcommand("translate", "Translate text with a trained model");
  sub->add_option("--model", o->model_dir, "Model directory written by `nmt train`")->required();
  sub->add_option("--checkpoint", o->checkpoint, "Checkpoint file (default: the best one)");
  sub->add_option("--input", o->input, "Input text file, or - for standard input");
  sub->add_option("--output", o->output, "Output file, or - for standard output");
  sub->add_option("--beam", o->beam, "Beam size (1: greedy)")->check(CLI::PositiveNumber);
  sub->add_option("--alpha", o->alpha, "GNMT length penalty exponent");
  sub->add_option("--nbest", o->nbest, "Hypotheses to print per sentence")
      ->check(CLI::PositiveNumber);
  sub->add_option("--batch-size", o->batch_size, "Sentences per batch")->check(CLI::PositiveNumber);
  return {sub, []() -> int { throw Error("translate: decoding is not implemented yet"); }};
}

}  // namespace nmt::cli
