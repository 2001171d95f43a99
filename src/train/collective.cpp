#include "train/collective.h"

#include <torch/torch.h>

namespace nmt {
namespace {

class SingleProcess : public Collective {
 public:
  int rank() const override { return 0; }
  int world_size() const override { return 1; }
  void sum(std::vector<torch::Tensor>&) override {}
  void broadcast(torch::Tensor&) override {}
  std::string broadcast_text(const std::string& text) override { return text; }
  std::string waiting_for_rank0(const std::string& text) override { return text; }
  std::vector<std::string> gather_text(const std::string& text) override { return {text}; }
};

// Gradients go over the wire in buckets of about this many elements (16 MB of fp32): few
// enough collectives to keep their latency small, small enough to keep the copies cheap.
constexpr int64_t kBucketElements = int64_t{4} << 20;

}  // namespace

std::unique_ptr<Collective> single_process() { return std::make_unique<SingleProcess>(); }

std::vector<double> sum_values(Collective& workers, const std::vector<double>& values) {
  if (workers.world_size() == 1) return values;
  std::vector<torch::Tensor> tensors = {
      torch::tensor(values, torch::TensorOptions().dtype(torch::kDouble))};
  workers.sum(tensors);
  const auto* summed = tensors[0].data_ptr<double>();
  return {summed, summed + values.size()};
}

GradientBuckets::GradientBuckets(std::vector<torch::Tensor> parameters)
    : parameters_(std::move(parameters)) {
  size_t first = 0;
  while (first < parameters_.size()) {
    size_t last = first;
    int64_t elements = 0;
    while (last < parameters_.size() &&
           (last == first || elements + parameters_[last].numel() <= kBucketElements)) {
      elements += parameters_[last].numel();
      ++last;
    }
    buckets_.push_back(torch::zeros({elements}, parameters_[first].options()));
    int64_t offset = 0;
    for (size_t i = first; i < last; ++i) {
      const auto& p = parameters_[i];
      views_.push_back(buckets_.back().narrow(0, offset, p.numel()).view_as(p));
      offset += p.numel();
    }
    first = last;
  }
  attach();
}

// Autograd accumulates into a gradient that exists in place, so the views stay the gradients;
// anything that replaced one (a set_to_none zero_grad) is copied back and re-attached.
void GradientBuckets::attach() {
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < parameters_.size(); ++i) {
    auto& grad = parameters_[i].mutable_grad();
    if (grad.defined() && grad.data_ptr() == views_[i].data_ptr()) continue;
    if (grad.defined()) {
      views_[i].copy_(grad);
    } else {
      views_[i].zero_();
    }
    grad = views_[i];
  }
}

void GradientBuckets::zero() {
  attach();
  for (auto& bucket : buckets_) bucket.zero_();
}

void GradientBuckets::sum(Collective& workers) {
  attach();
  if (workers.world_size() == 1) return;
  for (auto& bucket : buckets_) {
    std::vector<torch::Tensor> one = {bucket};
    workers.sum(one);
  }
}

}  // namespace nmt
