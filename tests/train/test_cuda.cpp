// On a GPU (tag [cuda]: with a CUDA LibTorch these are part of the default suite; with a CPU-only
// LibTorch ctest reports them skipped, see CMakeLists.txt): a model trained, validated,
// resumed, translated and read on cuda:0 gives what it gives on the CPU, up to float rounding.
#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/config.h"
#include "decode/translator.h"
#include "model/checkpoint.h"
#include "model/seq2seq.h"
#include "support/run_command.h"
#include "train/checkpoint_parameters.h"
#include "train/train_fixtures.h"
#include "train/trainer.h"

namespace fs = std::filesystem;
using nmt::test::max_difference;
using nmt::test::nmt_binary;
using nmt::test::parameters_at;
using nmt::test::run_command;

namespace {

const torch::Device kGpu(torch::kCUDA, 0);

}  // namespace

TEST_CASE("cuda: the GPU is there", "[cuda]") {
  REQUIRE(torch::cuda::is_available());  // a CUDA LibTorch on a machine without a GPU fails here
}

TEST_CASE("cuda: translate and force on a GPU give the CPU's hypotheses and scores", "[cuda]") {
  nmt::test::TempDir dir;
  const auto model = nmt::test::train_tiny_model(dir);
  nmt::Translator cpu(model, "", torch::kCPU), gpu(model, "", kGpu);
  const std::vector<std::string> lines = {"red dog", "cat sun tree boat", "", "blue car red"};
  for (const int beam : {1, 5}) {
    CAPTURE(beam);
    nmt::SearchOptions search;
    search.beam = beam;
    search.nbest = beam;
    search.attention = true;
    const auto a = cpu.translate(lines, search, 2), b = gpu.translate(lines, search, 2);
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      REQUIRE(a[i].hypotheses.size() == b[i].hypotheses.size());
      if (a[i].hypotheses.empty()) continue;
      // The best hypothesis; lower in the n-best, near ties may rank either way.
      const auto &x = a[i].hypotheses[0], &y = b[i].hypotheses[0];
      CHECK(x.ids == y.ids);
      CHECK(x.score == Approx(y.score).margin(1e-4));
      REQUIRE(y.attention.device().is_cpu());
      CHECK(torch::allclose(x.attention, y.attention, 1e-4, 1e-4));
    }
  }
  const auto a = cpu.force(lines, lines, 3), b = gpu.force(lines, lines, 3);
  for (size_t i = 0; i < a.size(); ++i) {
    REQUIRE(a[i].hypotheses.size() == b[i].hypotheses.size());
    if (a[i].hypotheses.empty()) continue;
    CHECK(a[i].hypotheses[0].score == Approx(b[i].hypotheses[0].score).margin(1e-4));
  }
}

TEST_CASE("cuda: validation on a GPU logs the BLEU of translating the dev set", "[cuda]") {
  nmt::test::TempDir dir;
  nmt::test::write_reverse_corpus(dir, 300, 40);
  const auto model = dir.file("model"), config = dir.file("c.yaml");
  nmt::test::write_text(config, nmt::test::tiny_train_yaml(dir, model, /*with_dev=*/true));
  const auto trained = run_command(nmt_binary() + " train '" + config +
                                   "' --set device=cuda --set train.max_steps=300 "
                                   "--set train.valid_every=300");
  INFO(trained.output);
  REQUIRE(trained.status == 0);
  const auto valid = nmt::test::metrics_events(model, "valid");
  REQUIRE(valid.size() == 1);
  for (const std::string device : {"cuda", "cpu"}) {
    CAPTURE(device);
    const auto scored =
        run_command(nmt_binary() + " translate --device " + device + " --model '" + model +
                    "' --beam 1 --input '" + dir.file("dev.src") + "' --output '" +
                    dir.file("dev.out") + "' && " + nmt_binary() + " evaluate --json --ref '" +
                    dir.file("dev.trg") + "' --hyp '" + dir.file("dev.out") + "' --metrics bleu");
    INFO(scored.output);
    REQUIRE(scored.status == 0);
    const auto json = nlohmann::json::parse(scored.output.substr(scored.output.find('{')));
    // The CPU may break a near tie the other way: close, not equal.
    CHECK(json["metrics"]["bleu"]["score"].get<double>() ==
          Approx(valid[0]["bleu"].get<double>()).margin(device == "cuda" ? 1e-9 : 2.0));
  }
}

TEST_CASE("cuda: 10 steps + resume + 10 steps equal 20 steps on a GPU", "[cuda]") {
  const std::string attention = GENERATE(as<std::string>{}, "mlp", "hard");
  CAPTURE(attention);
  nmt::test::TempDir dir;
  nmt::test::write_reverse_corpus(dir, 300, 0);
  const auto straight_dir = dir.file("straight"), resumed_dir = dir.file("resumed");
  const auto with = [&](const std::string& set) {
    return std::vector<std::string>{"device=cuda", "model.attention.type=" + attention, set};
  };
  nmt::train(nmt::parse_config(nmt::test::tiny_train_yaml(dir, straight_dir, false), "tiny.yaml",
                               with("train.max_steps=20")),
             /*resume=*/false);
  fs::create_directories(resumed_dir);
  fs::copy_file(straight_dir + "/spm.model", resumed_dir + "/spm.model");
  const auto yaml = nmt::test::tiny_train_yaml(dir, resumed_dir, false);
  nmt::train(nmt::parse_config(yaml, "tiny.yaml", with("train.max_steps=10")), false);
  // Dropout and sampling drew from the GPU's generator: its state is in the checkpoint.
  REQUIRE(nmt::read_checkpoint(nmt::step_checkpoint_path(resumed_dir, 10)).cuda_rng.defined());
  torch::manual_seed(12345);  // whatever the generators hold now, resume must set them back
  nmt::train(nmt::parse_config(yaml, "tiny.yaml", with("train.max_steps=20")), /*resume=*/true);
  const auto straight = parameters_at(nmt::step_checkpoint_path(straight_dir, 20));
  const auto resumed = parameters_at(nmt::step_checkpoint_path(resumed_dir, 20));
  // GPU kernels may sum in another order from run to run: equal up to float rounding, far
  // below what one different dropout mask moves.
  CHECK(max_difference(straight, resumed) < 1e-5);
  CHECK(max_difference(straight, parameters_at(nmt::step_checkpoint_path(resumed_dir, 10))) > 1e-3);
  // A GPU's checkpoint, optimiser state included, resumes on the CPU as well.
  nmt::train(
      nmt::parse_config(yaml, "tiny.yaml",
                        {"device=cpu", "model.attention.type=" + attention, "train.max_steps=22"}),
      /*resume=*/true);
  CHECK(nmt::checkpoint_progress(nmt::step_checkpoint_path(resumed_dir, 22)).step == 22);
}
