#include "common/int8_matmuls.h"

#include <ATen/ATen.h>
#include <ATen/core/dispatch/Dispatcher.h>

#include <algorithm>

#include "common/errors.h"
#include "common/precision.h"

namespace nmt {
namespace {

thread_local Int8Weights* active_weights = nullptr;

// Without VNNI, oneDNN's and FBGEMM's int8 kernels add pairs of u8 x s8 products in int16
// (vpmaddubsw), which saturates for activations near 255 times weights near 127: on an AVX2-only
// CPU, full-range activations put a trained model's scores off by 30% and changed its
// translations. Activations then keep one bit free (0..127), as PyTorch's dynamic quantization
// does for FBGEMM; the x86 and FBGEMM engines always get it, as PyTorch gives them.
bool reduce_range = false;

c10::QEngine preferred_engine() {
  const auto& supported = at::globalContext().supportedQEngines();
  for (const auto engine : {at::kONEDNN, at::kX86, at::kFBGEMM}) {
    if (std::find(supported.begin(), supported.end(), engine) != supported.end()) return engine;
  }
  return at::kNoQEngine;
}

}  // namespace

std::string select_int8_engine() {
  static const c10::QEngine engine = [] {
    const auto chosen = preferred_engine();
    if (chosen != at::kNoQEngine) {
      at::globalContext().setQEngine(chosen);
      reduce_range = chosen != at::kONEDNN || !cpu_has_vnni();
    }
    return chosen;
  }();
  if (engine == at::kNoQEngine) {
    throw Error(
        "--precision int8: this LibTorch has no quantized engine for int8 matmuls (neither "
        "oneDNN nor FBGEMM); use fp32 or bf16");
  }
  return c10::toString(engine);
}

int int8_activation_levels() {
  select_int8_engine();
  return reduce_range ? 127 : 255;
}

Int8Linear::Int8Linear(const at::Tensor& weight, const at::Tensor& bias) {
  static const auto prepack = c10::Dispatcher::singleton()
                                  .findSchemaOrThrow("quantized::linear_prepack", "")
                                  .typed<c10::intrusive_ptr<LinearPackedParamsBase>(
                                      at::Tensor, c10::optional<at::Tensor>)>();
  const auto w = weight.detach().to(at::kFloat).contiguous();
  // A row of zeros keeps scale 1, so that it quantizes to zeros rather than to NaN.
  auto scales = w.abs().amax(/*dim=*/1).div(127.0).to(at::kDouble);
  scales.masked_fill_(scales == 0, 1.0);
  const auto zero_points = at::zeros({w.size(0)}, at::kLong);
  const auto q = at::quantize_per_channel(w, scales, zero_points, /*axis=*/0, at::kQInt8);
  packed_ = prepack.call(
      q, bias.defined() ? c10::optional<at::Tensor>(bias.detach().to(at::kFloat).contiguous())
                        : c10::nullopt);
}

at::Tensor Int8Linear::operator()(const at::Tensor& x) const {
  auto shape = x.sizes().vec();
  const auto y = packed_->apply_dynamic(x.reshape({-1, shape.back()}).to(at::kFloat).contiguous(),
                                        reduce_range);
  shape.back() = y.size(1);
  return y.view(shape);
}

Int8Weights::Int8Weights() { select_int8_engine(); }

at::Tensor Int8Weights::linear(const at::Tensor& x, const at::Tensor& weight,
                               const at::Tensor& bias) {
  const Key key{weight.data_ptr(), weight.size(0),   weight.size(1),
                weight.stride(0),  weight.stride(1), bias.defined() ? bias.data_ptr() : nullptr};
  const Int8Linear* packed = nullptr;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    auto found = packed_.find(key);
    if (found == packed_.end()) found = packed_.emplace(key, Int8Linear(weight, bias)).first;
    packed = &found->second;  // std::map keeps its elements in place
  }
  return (*packed)(x);
}

size_t Int8Weights::size() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return packed_.size();
}

Int8Scope::Int8Scope(Int8Weights* weights) : previous_(active_weights), on_(weights != nullptr) {
  if (on_) active_weights = weights;
}

Int8Scope::~Int8Scope() {
  if (on_) active_weights = previous_;
}

bool int8_active() { return active_weights != nullptr; }

at::Tensor linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  if (active_weights != nullptr) return active_weights->linear(x, weight, bias);
  return at::linear(x, weight, bias);
}

}  // namespace nmt
