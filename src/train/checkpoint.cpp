// Checkpoint files are LibTorch archives: a dict of named tensors for the model, a nested
// archive for the optimiser, and plain values for the rest.
#include "train/checkpoint.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/errors.h"
#include "common/files.h"

namespace nmt {
namespace {

namespace fs = std::filesystem;

std::string shape_text(const torch::Tensor& t) {
  std::ostringstream out;
  out << t.sizes();
  return out.str();
}

torch::serialize::InputArchive open_archive(const std::string& path) {
  if (!fs::is_regular_file(path)) throw DataError(path + ": no such checkpoint");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path);
  } catch (const c10::Error&) {
    throw DataError(path + ": not a readable checkpoint");
  }
  return archive;
}

c10::IValue read_value(torch::serialize::InputArchive& archive, const std::string& key,
                       const std::string& path) {
  c10::IValue value;
  if (!archive.try_read(key, value)) throw DataError(path + ": checkpoint has no '" + key + "'");
  return value;
}

// Checks every parameter and buffer of `model` against the stored tensors.
void check_architecture(const torch::nn::Module& model,
                        const c10::Dict<std::string, torch::Tensor>& stored,
                        const std::string& path) {
  auto tensors = model.named_parameters();
  for (const auto& b : model.named_buffers()) tensors.insert(b.key(), b.value());
  for (const auto& item : tensors) {
    if (!stored.contains(item.key())) {
      throw DataError(path + ": checkpoint has no parameter '" + item.key() +
                      "' (it was made with another architecture; check model.* in the config)");
    }
    const auto& saved = stored.at(item.key());
    if (saved.sizes() != item.value().sizes()) {
      throw DataError(path + ": parameter '" + item.key() + "' has shape " + shape_text(saved) +
                      " in the checkpoint but " + shape_text(item.value()) +
                      " in the model (check model.* in the config)");
    }
  }
  if (stored.size() != tensors.size()) {
    throw DataError(path + ": checkpoint has " + std::to_string(stored.size()) +
                    " tensors, the model " + std::to_string(tensors.size()) +
                    " (another architecture; check model.* in the config)");
  }
}

}  // namespace

void save_checkpoint(const std::string& path, const torch::nn::Module& model,
                     const torch::optim::Optimizer* optimizer, const TrainingProgress& progress) {
  c10::Dict<std::string, torch::Tensor> tensors;
  for (const auto& p : model.named_parameters()) tensors.insert(p.key(), p.value().detach().cpu());
  for (const auto& b : model.named_buffers()) tensors.insert(b.key(), b.value().cpu());

  torch::serialize::OutputArchive archive;
  archive.write("model", tensors);
  if (optimizer) {
    torch::serialize::OutputArchive optimizer_archive;
    optimizer->save(optimizer_archive);
    archive.write("optimizer", optimizer_archive);
  }
  auto generator = at::detail::getDefaultCPUGenerator();
  {
    std::lock_guard<std::mutex> lock(generator.mutex());
    archive.write("rng", generator.get_state());
  }
  archive.write("step", progress.step);
  archive.write("epoch", progress.epoch);
  archive.write("batch_in_epoch", progress.batch_in_epoch);
  archive.write("elapsed_seconds", progress.elapsed_seconds);
  archive.write("best_metric", progress.best_metric);
  archive.write("best_step", progress.best_step);
  archive.write("bad_validations", progress.bad_validations);
  archive.write("schedule_state", progress.schedule_state);
  archive.write("config_yaml", progress.config_yaml);

  std::ostringstream bytes;
  archive.save_to(bytes);
  fs::create_directories(fs::path(path).parent_path());
  write_file_atomic(path, bytes.str());
}

TrainingProgress load_checkpoint(const std::string& path, torch::nn::Module& model,
                                 torch::optim::Optimizer* optimizer) {
  auto archive = open_archive(path);
  const auto stored = c10::impl::toTypedDict<std::string, torch::Tensor>(
      read_value(archive, "model", path).toGenericDict());
  check_architecture(model, stored, path);
  {
    torch::NoGradGuard no_grad;
    for (auto& p : model.named_parameters()) p.value().copy_(stored.at(p.key()));
    for (auto& b : model.named_buffers()) b.value().copy_(stored.at(b.key()));
  }
  if (optimizer) {
    torch::serialize::InputArchive optimizer_archive;
    if (!archive.try_read("optimizer", optimizer_archive)) {
      throw DataError(path + ": checkpoint has no optimizer state");
    }
    optimizer->load(optimizer_archive);
  }
  torch::Tensor rng;
  archive.read("rng", rng);
  auto generator = at::detail::getDefaultCPUGenerator();
  {
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(rng);
  }
  TrainingProgress p;
  p.step = read_value(archive, "step", path).toInt();
  p.epoch = read_value(archive, "epoch", path).toInt();
  p.batch_in_epoch = read_value(archive, "batch_in_epoch", path).toInt();
  p.elapsed_seconds = read_value(archive, "elapsed_seconds", path).toDouble();
  p.best_metric = read_value(archive, "best_metric", path).toDouble();
  p.best_step = read_value(archive, "best_step", path).toInt();
  p.bad_validations = read_value(archive, "bad_validations", path).toInt();
  p.schedule_state = read_value(archive, "schedule_state", path).toStringRef();
  p.config_yaml = read_value(archive, "config_yaml", path).toStringRef();
  return p;
}

std::string checkpoint_config(const std::string& path) {
  auto archive = open_archive(path);
  return read_value(archive, "config_yaml", path).toStringRef();
}

std::string step_checkpoint_path(const std::string& model_dir, int64_t step) {
  char name[64];
  std::snprintf(name, sizeof name, "step-%08lld.ckpt", static_cast<long long>(step));
  return (fs::path(model_dir) / "checkpoints" / name).string();
}

std::string best_checkpoint_path(const std::string& model_dir) {
  return (fs::path(model_dir) / "best.ckpt").string();
}

std::vector<std::string> list_step_checkpoints(const std::string& model_dir) {
  std::vector<std::string> paths;
  const fs::path dir = fs::path(model_dir) / "checkpoints";
  if (!fs::is_directory(dir)) return paths;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (name.rfind("step-", 0) == 0 && entry.path().extension() == ".ckpt") {
      paths.push_back(entry.path().string());
    }
  }
  std::sort(paths.begin(), paths.end());  // zero-padded step numbers sort in order
  return paths;
}

}  // namespace nmt
