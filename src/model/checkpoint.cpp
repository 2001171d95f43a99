// Checkpoint files are LibTorch archives: a dict of named tensors for the model, a nested
// archive for the optimiser, and plain values for the rest. Reading checks what LibTorch
// does not: every tensor fits in its stored bytes (model/checkpoint_records.h), and every
// field has its type.
#include "model/checkpoint.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>
#include <utility>

#include "common/config.h"
#include "common/errors.h"
#include "common/files.h"
#include "data/vocab.h"
#include "model/checkpoint_records.h"
#include "model/device.h"

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
    archive.load_from(path, torch::Device(torch::kCPU));  // whichever device it was saved from
  } catch (const c10::Error& e) {
    throw DataError(path + ": not a readable checkpoint (" +
                    first_line(e.what_without_backtrace()) + ")");
  }
  return archive;
}

c10::IValue read_value(torch::serialize::InputArchive& archive, const std::string& key,
                       const std::string& path) {
  c10::IValue value;
  if (!archive.try_read(key, value)) throw DataError(path + ": checkpoint has no '" + key + "'");
  return value;
}

int64_t read_int(torch::serialize::InputArchive& archive, const std::string& key,
                 const std::string& path) {
  const auto value = read_value(archive, key, path);
  if (!value.isInt()) throw DataError(path + ": checkpoint field '" + key + "' is not an integer");
  return value.toInt();
}

double read_double(torch::serialize::InputArchive& archive, const std::string& key,
                   const std::string& path) {
  const auto value = read_value(archive, key, path);
  if (!value.isDouble()) throw DataError(path + ": checkpoint field '" + key + "' is not a number");
  return value.toDouble();
}

std::string read_string(torch::serialize::InputArchive& archive, const std::string& key,
                        const std::string& path) {
  const auto value = read_value(archive, key, path);
  if (!value.isString()) throw DataError(path + ": checkpoint field '" + key + "' is not text");
  return value.toStringRef();
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

// The progress fields of a checkpoint (not worker_rng, which comes with the generators).
TrainingProgress read_progress(torch::serialize::InputArchive& archive, const std::string& path) {
  TrainingProgress p;
  p.step = read_int(archive, "step", path);
  p.epoch = read_int(archive, "epoch", path);
  p.batch_in_epoch = read_int(archive, "batch_in_epoch", path);
  p.elapsed_seconds = read_double(archive, "elapsed_seconds", path);
  c10::IValue value;
  if (archive.try_read("trained_tokens", value)) {
    p.trained_tokens = read_int(archive, "trained_tokens", path);
    p.training_seconds = read_double(archive, "training_seconds", path);
  }
  p.best_metric = read_double(archive, "best_metric", path);
  p.best_step = read_int(archive, "best_step", path);
  p.bad_validations = read_int(archive, "bad_validations", path);
  p.schedule_state = read_string(archive, "schedule_state", path);
  p.config_yaml = read_string(archive, "config_yaml", path);
  if (archive.try_read("subwords", value)) p.subwords = read_string(archive, "subwords", path);
  if (archive.try_read("averaged_from", value)) {
    p.averaged_from = read_string(archive, "averaged_from", path);
  }
  return p;
}

// The "model" dict, with every tensor record checked.
c10::Dict<std::string, torch::Tensor> read_model_tensors(torch::serialize::InputArchive& archive,
                                                         const std::string& path) {
  const auto keys = archive.keys();
  std::vector<c10::IValue> values;
  for (const auto& key : keys) values.push_back(read_value(archive, key, path));
  check_tensor_records(keys, values, path);
  const auto value = read_value(archive, "model", path);
  if (!value.isGenericDict()) throw DataError(path + ": checkpoint field 'model' is damaged");
  return c10::impl::toTypedDict<std::string, torch::Tensor>(value.toGenericDict());
}

// A generator-state field: absent (undefined), or a tensor with `dims` dimensions.
torch::Tensor read_optional_state(torch::serialize::InputArchive& archive, const char* field,
                                  int64_t dims, const std::string& path) {
  c10::IValue value;
  if (!archive.try_read(field, value)) return {};
  if (!value.isTensor() || value.toTensor().dim() != dims) {
    throw DataError(path + ": checkpoint field '" + field + "' is not a " +
                    (dims == 1 ? "vector" : "matrix"));
  }
  return value.toTensor();
}

// The train.ema average, where the checkpoint has one, into `progress`.
void read_parameter_average(torch::serialize::InputArchive& archive, const std::string& path,
                            TrainingProgress& progress) {
  c10::IValue value;
  if (!archive.try_read("parameter_average", value)) return;
  if (!value.isGenericDict()) {
    throw DataError(path + ": checkpoint field 'parameter_average' is damaged");
  }
  for (const auto& item :
       c10::impl::toTypedDict<std::string, torch::Tensor>(value.toGenericDict())) {
    progress.parameter_average.emplace(item.key(), item.value());
  }
}

// Rank 0's generator states (rng, cuda_rng); the other ranks' (worker_rng, worker_cuda_rng) go
// into `progress`.
std::pair<torch::Tensor, torch::Tensor> read_generator_states(
    torch::serialize::InputArchive& archive, const std::string& path, TrainingProgress& progress) {
  const auto rng = read_value(archive, "rng", path);
  if (!rng.isTensor()) throw DataError(path + ": checkpoint field 'rng' is not a tensor");
  for (const auto& [field, states] :
       {std::pair<const char*, std::vector<torch::Tensor>*>{"worker_rng", &progress.worker_rng},
        {"worker_cuda_rng", &progress.worker_cuda_rng}}) {
    const auto matrix = read_optional_state(archive, field, 2, path);
    if (matrix.defined()) *states = matrix.unbind(0);
  }
  return {rng.toTensor(), read_optional_state(archive, "cuda_rng", 1, path)};
}

// The one writer of checkpoint files; `optimizer` may be null.
void write_checkpoint(const std::string& path, const c10::Dict<std::string, torch::Tensor>& tensors,
                      const torch::optim::Optimizer* optimizer, const torch::Tensor& rng,
                      const torch::Tensor& cuda_rng, const TrainingProgress& progress) {
  torch::serialize::OutputArchive archive;
  archive.write("model", tensors);
  if (optimizer) {
    torch::serialize::OutputArchive optimizer_archive;
    optimizer->save(optimizer_archive);
    archive.write("optimizer", optimizer_archive);
  }
  archive.write("rng", rng);
  if (cuda_rng.defined()) archive.write("cuda_rng", cuda_rng);
  archive.write("step", progress.step);
  archive.write("epoch", progress.epoch);
  archive.write("batch_in_epoch", progress.batch_in_epoch);
  archive.write("elapsed_seconds", progress.elapsed_seconds);
  archive.write("trained_tokens", progress.trained_tokens);
  archive.write("training_seconds", progress.training_seconds);
  archive.write("best_metric", progress.best_metric);
  archive.write("best_step", progress.best_step);
  archive.write("bad_validations", progress.bad_validations);
  archive.write("schedule_state", progress.schedule_state);
  archive.write("config_yaml", progress.config_yaml);
  if (!progress.subwords.empty()) archive.write("subwords", progress.subwords);
  if (!progress.worker_rng.empty()) archive.write("worker_rng", torch::stack(progress.worker_rng));
  if (!progress.worker_cuda_rng.empty()) {
    archive.write("worker_cuda_rng", torch::stack(progress.worker_cuda_rng));
  }
  if (!progress.averaged_from.empty()) archive.write("averaged_from", progress.averaged_from);
  if (!progress.parameter_average.empty()) {
    c10::Dict<std::string, torch::Tensor> average;
    for (const auto& [name, t] : progress.parameter_average) average.insert(name, t.cpu());
    archive.write("parameter_average", average);
  }

  // No folder is made here: a model directory deleted while training runs is an error, not
  // recreated around a lone checkpoint that could not translate.
  write_file_atomic(path, [&archive](const PieceWriter& write) {
    archive.save_to([&write](const void* data, size_t size) {
      write({static_cast<const char*>(data), size});
      return size;
    });
  });
}

// The moments of Adam or AdamW onto `device`, where the model's parameters are (a checkpoint's
// are read onto the CPU, whichever device wrote them).
template <typename State>
void move_moments(State& state, const torch::Device& device) {
  state.exp_avg(state.exp_avg().to(device));
  state.exp_avg_sq(state.exp_avg_sq().to(device));
  if (state.max_exp_avg_sq().defined()) state.max_exp_avg_sq(state.max_exp_avg_sq().to(device));
}

void move_adam_state(torch::optim::Optimizer& optimizer, const torch::Device& device) {
  for (auto& entry : optimizer.state()) {
    if (auto* adam = dynamic_cast<torch::optim::AdamParamState*>(entry.second.get())) {
      move_moments(*adam, device);
    } else if (auto* adamw = dynamic_cast<torch::optim::AdamWParamState*>(entry.second.get())) {
      move_moments(*adamw, device);
    }
  }
}

// Runs `read`, turning LibTorch's errors on a damaged file into one DataError line.
template <typename Read>
auto reading(const std::string& path, Read read) {
  try {
    return read();
  } catch (const c10::Error& e) {
    throw DataError(path + ": damaged checkpoint (" + first_line(e.what_without_backtrace()) + ")");
  }
}

}  // namespace

void save_checkpoint(const std::string& path, const torch::nn::Module& model,
                     const torch::optim::Optimizer* optimizer, const TrainingProgress& progress) {
  c10::Dict<std::string, torch::Tensor> tensors;
  for (const auto& p : model.named_parameters()) tensors.insert(p.key(), p.value().detach().cpu());
  for (const auto& b : model.named_buffers()) tensors.insert(b.key(), b.value().cpu());
  const auto device = device_of(model);
  write_checkpoint(path, tensors, optimizer, generator_state(torch::kCPU),
                   device.is_cuda() ? generator_state(device) : torch::Tensor(), progress);
}

void save_checkpoint(const std::string& path, const StoredCheckpoint& stored) {
  c10::Dict<std::string, torch::Tensor> tensors;
  for (const auto& [name, t] : stored.tensors) tensors.insert(name, t.cpu());
  write_checkpoint(path, tensors, nullptr, stored.rng, stored.cuda_rng, stored.progress);
}

StoredCheckpoint read_checkpoint(const std::string& path) {
  auto archive = open_archive(path);
  return reading(path, [&] {
    StoredCheckpoint stored;
    for (const auto& item : read_model_tensors(archive, path)) {
      stored.tensors.emplace(item.key(), item.value());
    }
    stored.progress = read_progress(archive, path);
    read_parameter_average(archive, path, stored.progress);
    std::tie(stored.rng, stored.cuda_rng) = read_generator_states(archive, path, stored.progress);
    return stored;
  });
}

TrainingProgress load_checkpoint(const std::string& path, torch::nn::Module& model,
                                 torch::optim::Optimizer* optimizer) {
  auto archive = open_archive(path);
  return reading(path, [&] {
    const auto stored = read_model_tensors(archive, path);
    check_architecture(model, stored, path);
    TrainingProgress p = read_progress(archive, path);
    read_parameter_average(archive, path, p);
    const auto [rng, cuda_rng] = read_generator_states(archive, path, p);

    torch::serialize::InputArchive optimizer_archive;
    const bool has_optimizer = archive.try_read("optimizer", optimizer_archive);
    if (optimizer && !has_optimizer && p.averaged_from.empty()) {
      throw DataError(path + ": checkpoint has no optimizer state");
    }

    // Everything is read and checked: now change the model, optimiser and generator.
    {
      torch::NoGradGuard no_grad;
      for (auto& p : model.named_parameters()) p.value().copy_(stored.at(p.key()));
      for (auto& b : model.named_buffers()) b.value().copy_(stored.at(b.key()));
    }
    const auto device = device_of(model);
    if (optimizer && has_optimizer) {
      optimizer->load(optimizer_archive);
      move_adam_state(*optimizer, device);
    }
    if (optimizer) {  // resuming training; a model loaded to translate leaves them alone
      set_generator_state(torch::kCPU, rng);
      // A run moved between the CPU and a GPU cannot continue the other device's stream.
      if (device.is_cuda() && cuda_rng.defined()) set_generator_state(device, cuda_rng);
    }
    return p;
  });
}

TrainingProgress checkpoint_progress(const std::string& path) {
  auto archive = open_archive(path);
  return reading(path, [&] { return read_progress(archive, path); });
}

std::string checkpoint_config(const std::string& path) {
  auto archive = open_archive(path);
  return reading(path, [&] { return read_string(archive, "config_yaml", path); });
}

std::string checkpoint_home(const std::string& path) {
  const auto dir = fs::absolute(path).lexically_normal().parent_path();
  return (dir.filename() == "checkpoints" ? dir.parent_path() : dir).string();
}

void require_trained_with(const std::string& path, const TrainingProgress& progress,
                          const DataConfig& data, const std::vector<std::string>& files) {
  const auto expected = subword_fingerprint(files);
  std::string recorded = progress.subwords;
  if (recorded.empty()) {
    const auto own = subword_model_files(data, checkpoint_home(path));
    for (const auto& file : own) {
      if (!fs::is_regular_file(file)) {
        throw DataError(path + ": it records no subword models, and its directory has no " +
                        fs::path(file).filename().string() + " to show that it was trained with " +
                        files.front());
      }
    }
    recorded = subword_fingerprint(own);
  }
  if (recorded != expected) {
    std::string names;
    for (const auto& file : files) names += (names.empty() ? "" : " and ") + file;
    throw DataError(path + ": it was trained with other subword models than " + names +
                    " (its vocabulary would be read as another's)");
  }
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
