// Test support: checks autograd gradients of a scalar function against central finite
// differences, (f(x + eps) - f(x - eps)) / (2 eps), one element at a time, in double precision.
#pragma once

#include <torch/autograd.h>
#include <torch/nn/module.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace nmt::test {

struct GradientError {
  double relative = 0;  // the largest error over every checked element
  int64_t checked = 0;  // elements compared (0 means nothing was checked)
  std::string worst;    // where the largest error is, with both gradients
};

/// Every parameter of `module` followed by `inputs`: what a gradient check should cover.
inline std::vector<torch::Tensor> parameters_and(const torch::nn::Module& module,
                                                 const std::vector<torch::Tensor>& inputs) {
  auto tensors = module.parameters();
  tensors.insert(tensors.end(), inputs.begin(), inputs.end());
  return tensors;
}

/// Compares d fn() / d t for every element of every tensor in `tensors` (kDouble, contiguous,
/// requires_grad) with central differences of step `eps`. fn() must return a scalar and read
/// the tensors anew on each call. The error of one element is |autograd - numeric| /
/// max(|autograd|, |numeric|, 1e-3): relative, except that gradients near zero (where the
/// O(1e-10) noise of the differences would dominate) are compared in absolute terms.
inline GradientError max_relative_gradient_error(const std::function<torch::Tensor()>& fn,
                                                 const std::vector<torch::Tensor>& tensors,
                                                 double eps = 1e-6) {
  for (const auto& t : tensors) {
    if (t.scalar_type() != torch::kDouble || !t.is_contiguous() || !t.requires_grad())
      throw std::invalid_argument("gradient check needs contiguous kDouble tensors with grad");
  }
  const auto grads = torch::autograd::grad({fn()}, tensors, /*grad_outputs=*/{},
                                           /*retain_graph=*/false, /*create_graph=*/false,
                                           /*allow_unused=*/true);
  GradientError result;
  torch::NoGradGuard no_grad;
  for (size_t k = 0; k < tensors.size(); ++k) {
    const auto g = grads[k].defined() ? grads[k].contiguous() : torch::zeros_like(tensors[k]);
    // Writing through the data pointer nudges the very storage that fn() reads.
    double* x = tensors[k].data_ptr<double>();
    for (int64_t i = 0; i < tensors[k].numel(); ++i) {
      const double saved = x[i];
      x[i] = saved + eps;
      const double plus = fn().item<double>();
      x[i] = saved - eps;
      const double minus = fn().item<double>();
      x[i] = saved;
      const double numeric = (plus - minus) / (2 * eps);
      const double analytic = g.data_ptr<double>()[i];
      const double scale = std::max({std::abs(analytic), std::abs(numeric), 1e-3});
      const double error = std::abs(analytic - numeric) / scale;
      ++result.checked;
      // A NaN error is the worst there is, and stays the reported one.
      if (std::isnan(result.relative) || !(std::isnan(error) || error > result.relative)) continue;
      result.relative = error;
      std::ostringstream where;
      where.precision(12);
      where << "tensor " << k << " element " << i << ": autograd " << analytic
            << ", finite difference " << numeric;
      result.worst = where.str();
    }
  }
  return result;
}

/// The gradient check as a test: every element of `tensors` compared, the largest error below
/// `tolerance`, the worst element reported on failure.
inline void require_gradients_match(const std::function<torch::Tensor()>& fn,
                                    const std::vector<torch::Tensor>& tensors, double tolerance) {
  int64_t elements = 0;
  for (const auto& t : tensors) elements += t.numel();
  const auto error = max_relative_gradient_error(fn, tensors);
  INFO(error.worst);
  REQUIRE(error.checked == elements);
  REQUIRE(error.relative < tolerance);
}

}  // namespace nmt::test
