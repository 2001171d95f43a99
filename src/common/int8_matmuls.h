// int8 matmuls for searching (--precision int8 of `nmt translate`, `serve` and `align`): every
// fully connected layer of the model multiplies int8 weights by int8 activations through
// LibTorch's quantized operators (quantized::linear_prepack and linear_dynamic, on oneDNN
// where it is registered). Weights are quantized per output row and symmetrically (scale
// max|row| / 127, as CTranslate2 does), with their biases packed beside them; activations are
// quantized per call, from their own range (to 7 bits on CPUs without VNNI). Products of two
// activations (attention scores, contexts) stay in fp32.
//
// A model's int8 weights live in one Int8Weights, shared by the threads that search with it;
// an Int8Scope makes a thread's linear() calls use them, as CpuBf16Autocast does for bf16.
#pragma once

#include <ATen/core/Tensor.h>
#include <ATen/native/quantized/PackedParams.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace nmt {

/// y = x wᵀ + b for x [..., in], w [out, in], b [out] or undefined: in int8 while an Int8Scope
/// is active on this thread, else at::linear (which bf16 autocast covers).
at::Tensor linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias = {});

/// Whether linear() runs in int8 on this thread.
bool int8_active();

/// Selects LibTorch's quantized engine for int8 matmuls (oneDNN, else FBGEMM or x86) once per
/// process; throws Error in one line when this LibTorch has none. Returns the engine's name.
std::string select_int8_engine();

/// The largest quantized activation: 255, or 127 on CPUs without VNNI, whose int8 kernels
/// would saturate at full range (activations are quantized per call to 0..levels).
int int8_activation_levels();

/// One weight quantized for int8: per output row, symmetric, with its bias.
class Int8Linear {
 public:
  Int8Linear(const at::Tensor& weight, const at::Tensor& bias);
  /// x [..., in] float -> [..., out] float.
  at::Tensor operator()(const at::Tensor& x) const;

 private:
  c10::intrusive_ptr<LinearPackedParamsBase> packed_;
};

/// The int8 copies of one model's weights, each made the first time a search multiplies by it
/// (a weight, or a slice of one, with or without its bias), then kept while this object lives.
/// Thread-safe. The weights must not change meanwhile.
class Int8Weights {
 public:
  Int8Weights();  // select_int8_engine()
  at::Tensor linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);
  /// How many weights have been quantized so far.
  size_t size() const;

 private:
  // A weight view (data, shape and strides) and its bias.
  using Key = std::tuple<const void*, int64_t, int64_t, int64_t, int64_t, const void*>;
  mutable std::mutex mutex_;
  std::map<Key, Int8Linear> packed_;
};

/// For the span of this object, linear() on this thread multiplies with `weights` (nullptr:
/// does nothing).
class Int8Scope {
 public:
  explicit Int8Scope(Int8Weights* weights);
  ~Int8Scope();
  Int8Scope(const Int8Scope&) = delete;
  Int8Scope& operator=(const Int8Scope&) = delete;

 private:
  Int8Weights* previous_;
  bool on_;
};

}  // namespace nmt
