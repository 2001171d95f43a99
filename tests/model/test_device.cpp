// Device names, the device of a model, generator states, and the GPU generator states a
// checkpoint carries (written and read back here on the CPU; tests/train/test_cuda.cpp runs the
// same on a GPU).
#include <torch/cuda.h>
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "model/checkpoint.h"
#include "model/device.h"
#include "support/temp_dir.h"

using Catch::Equals;
using Catch::StartsWith;

TEST_CASE("device: names, and one clear error for what is not a device here", "[model][device]") {
  CHECK(nmt::resolve_device("cpu", "--device") == torch::Device(torch::kCPU));
  for (const std::string bad : {"gpu", "CPU", "", "cuda:", "cuda:x", "cuda:-1", "cuda:0:1", "cuda0",
                                "cuda:1234", "cpu:0"}) {
    CAPTURE(bad);
    CHECK_THROWS_WITH(
        nmt::resolve_device(bad, "--device"),
        Equals("--device: '" + bad + "' is not a device (expected cpu, cuda or cuda:N)"));
  }
  if (!torch::cuda::is_available()) {
    CHECK_THROWS_WITH(nmt::resolve_device("cuda", "device"),
                      StartsWith("device: cuda is not available: this LibTorch has no CUDA"));
    CHECK_THROWS_WITH(nmt::resolve_device("cuda:1", "--device"),
                      StartsWith("--device: cuda:1 is not available"));
  } else {
    const auto gpus = static_cast<int>(torch::cuda::device_count());
    CHECK(nmt::resolve_device("cuda", "--device") == torch::Device(torch::kCUDA, 0));
    CHECK(nmt::resolve_device("cuda:" + std::to_string(gpus - 1), "--device") ==
          torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(gpus - 1)));
    CHECK_THROWS_WITH(nmt::resolve_device("cuda:" + std::to_string(gpus), "--device"),
                      StartsWith("--device: GPU cuda:" + std::to_string(gpus) + " does not exist"));
  }
}

TEST_CASE("device: a module's device is its parameters'", "[model][device]") {
  CHECK(nmt::device_of(*torch::nn::Linear(2, 3)) == torch::Device(torch::kCPU));
  CHECK(nmt::device_of(*torch::nn::Sequential()) == torch::Device(torch::kCPU));  // none at all
}

TEST_CASE("device: a generator state set back gives the same draws again", "[model][device]") {
  const auto state = nmt::generator_state(torch::kCPU);
  const auto first = torch::rand({16});
  torch::rand({5});  // the stream moves on
  nmt::set_generator_state(torch::kCPU, state);
  CHECK(torch::equal(torch::rand({16}), first));
}

TEST_CASE("checkpoint: GPU generator states are written and read back as they were",
          "[model][checkpoint][device]") {
  nmt::test::TempDir dir;
  torch::nn::Linear model(2, 2);
  nmt::TrainingProgress progress;
  progress.config_yaml = "{}";
  progress.worker_rng = {torch::arange(8, torch::kUInt8), torch::arange(8, torch::kUInt8) * 2};
  progress.worker_cuda_rng = {torch::arange(4, torch::kUInt8), torch::arange(4, torch::kUInt8) + 9};
  const auto path = dir.file("a.ckpt");
  nmt::save_checkpoint(path, *model, nullptr, progress);
  const auto stored = nmt::read_checkpoint(path);
  // A model on the CPU has no GPU generator of its own to save.
  CHECK_FALSE(stored.cuda_rng.defined());
  REQUIRE(stored.progress.worker_cuda_rng.size() == 2);
  CHECK(torch::equal(stored.progress.worker_cuda_rng[1], progress.worker_cuda_rng[1]));
  CHECK(torch::equal(stored.progress.worker_rng[1], progress.worker_rng[1]));

  // nmt average writes what it read: the GPU state stays with the checkpoint.
  auto with_gpu_state = stored;
  with_gpu_state.cuda_rng = torch::arange(6, torch::kUInt8);
  nmt::save_checkpoint(dir.file("b.ckpt"), with_gpu_state);
  const auto again = nmt::read_checkpoint(dir.file("b.ckpt"));
  REQUIRE(again.cuda_rng.defined());
  CHECK(torch::equal(again.cuda_rng, with_gpu_state.cuda_rng));
}
