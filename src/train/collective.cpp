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

void sum_gradients(Collective& workers, const std::vector<torch::Tensor>& parameters) {
  if (workers.world_size() == 1) return;
  torch::NoGradGuard no_grad;
  size_t first = 0;
  while (first < parameters.size()) {
    size_t last = first;
    int64_t elements = 0;
    while (last < parameters.size() && (last == first || elements + parameters[last].numel() <=
                                                             kBucketElements)) {
      elements += parameters[last].numel();
      ++last;
    }
    std::vector<torch::Tensor> pieces;
    for (size_t i = first; i < last; ++i) {
      const auto& p = parameters[i];
      pieces.push_back(p.grad().defined() ? p.grad().reshape({-1})
                                          : torch::zeros({p.numel()}, p.options()));
    }
    std::vector<torch::Tensor> bucket = {torch::cat(pieces)};
    workers.sum(bucket);
    int64_t offset = 0;
    for (size_t i = first; i < last; ++i) {
      auto p = parameters[i];
      const auto summed = bucket[0].narrow(0, offset, p.numel()).view_as(p);
      if (p.grad().defined()) {
        p.mutable_grad().copy_(summed);
      } else {
        p.mutable_grad() = summed.clone();
      }
      offset += p.numel();
    }
    first = last;
  }
}

}  // namespace nmt
