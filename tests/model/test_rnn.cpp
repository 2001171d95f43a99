// The hand-written GRU/LSTM (model/rnn.cpp: gates, the backward direction reversed within
// each row's length, single decoder steps) against LibTorch's own nn::GRU/nn::LSTM run on
// packed sequences: outputs, final states and every gradient.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "model/rnn.h"
#include "support/tensor_asserts.h"

namespace {

namespace rnn_utils = torch::nn::utils::rnn;

struct Reference {
  torch::Tensor outputs, h;  // [B, T, H * directions] (0 past each length), [L * D, B, H]
  std::shared_ptr<torch::nn::Module> module;  // LibTorch's, holding copies of the parameters
};

// LibTorch's module of the same kind, holding `rnn`'s parameters (the same names).
template <typename Module>
Reference run_reference(Module& module, nmt::RnnImpl& rnn, const torch::Tensor& input,
                        const torch::Tensor& lengths) {
  {
    torch::NoGradGuard no_grad;
    auto ours = rnn.named_parameters();
    for (auto& p : module->named_parameters()) {
      p.value().copy_(ours[rnn.options().cell + "." + p.key()]);
    }
  }
  const auto packed = rnn_utils::pack_padded_sequence(input, lengths, /*batch_first=*/true,
                                                      /*enforce_sorted=*/false);
  auto [packed_out, state] = module->forward_with_packed_input(packed);
  auto [outputs, out_lengths] =
      rnn_utils::pad_packed_sequence(packed_out, /*batch_first=*/true, 0.0, input.size(1));
  if constexpr (std::is_same_v<decltype(state), torch::Tensor>) {
    return {outputs, state, module.ptr()};
  } else {
    return {outputs, std::get<0>(state), module.ptr()};
  }
}

Reference reference_for(nmt::RnnImpl& rnn, const torch::Tensor& input,
                        const torch::Tensor& lengths) {
  const auto& o = rnn.options();
  if (o.cell == "gru") {
    torch::nn::GRU gru(torch::nn::GRUOptions(o.input, o.hidden)
                           .num_layers(o.layers)
                           .bidirectional(o.bidirectional)
                           .batch_first(true));
    gru->to(torch::kDouble);
    return run_reference(gru, rnn, input, lengths);
  }
  torch::nn::LSTM lstm(torch::nn::LSTMOptions(o.input, o.hidden)
                           .num_layers(o.layers)
                           .bidirectional(o.bidirectional)
                           .batch_first(true));
  lstm->to(torch::kDouble);
  return run_reference(lstm, rnn, input, lengths);
}

}  // namespace

TEST_CASE("rnn: padded batches equal LibTorch's GRU/LSTM on packed sequences, with gradients",
          "[model][rnn]") {
  const std::string cell = GENERATE(as<std::string>{}, "gru", "lstm");
  const int64_t layers = GENERATE(as<int64_t>{}, 1, 2);
  const bool bidirectional = GENERATE(true, false);
  CAPTURE(cell, layers, bidirectional);

  torch::manual_seed(11);
  nmt::RnnOptions options;
  options.cell = cell;
  options.input = 4;
  options.hidden = 3;
  options.layers = layers;
  options.bidirectional = bidirectional;
  nmt::Rnn rnn(options);
  rnn->to(torch::kDouble);
  const auto lengths = torch::tensor({5, 2, 4, 1}, torch::kInt64);
  const auto input = torch::randn({4, 5, 4}, torch::kDouble).requires_grad_();
  const auto input_ref = input.detach().clone().requires_grad_();

  const auto [outputs, h] = rnn->forward_padded(input, lengths);
  auto ref = reference_for(*rnn, input_ref, lengths);
  nmt::test::require_close(outputs, ref.outputs, 1e-10);
  nmt::test::require_close(h, ref.h, 1e-10);

  // Input gradients of one random linear function of outputs and final state, through both
  // (parameter gradients: the next test).
  const auto w_out = torch::randn_like(outputs), w_h = torch::randn_like(h);
  ((outputs * w_out).sum() + (h * w_h).sum()).backward();
  ((ref.outputs * w_out).sum() + (ref.h * w_h).sum()).backward();
  nmt::test::require_close(input.grad(), input_ref.grad(), 1e-10);
}

TEST_CASE("rnn: parameter gradients equal LibTorch's", "[model][rnn]") {
  const std::string cell = GENERATE(as<std::string>{}, "gru", "lstm");
  CAPTURE(cell);
  torch::manual_seed(12);
  nmt::RnnOptions options;
  options.cell = cell;
  options.input = 3;
  options.hidden = 2;
  options.layers = 2;
  options.bidirectional = true;
  nmt::Rnn rnn(options);
  rnn->to(torch::kDouble);
  const auto lengths = torch::tensor({3, 1, 2}, torch::kInt64);
  const auto input = torch::randn({3, 3, 3}, torch::kDouble);

  const auto [outputs, h] = rnn->forward_padded(input, lengths);
  const auto w_out = torch::randn_like(outputs), w_h = torch::randn_like(h);
  ((outputs * w_out).sum() + (h * w_h).sum()).backward();

  const auto ref = reference_for(*rnn, input, lengths);
  ((ref.outputs * w_out).sum() + (ref.h * w_h).sum()).backward();
  auto ours = rnn->named_parameters();
  size_t compared = 0;
  for (const auto& p : ref.module->named_parameters()) {
    INFO(p.key());
    nmt::test::require_close(ours[cell + "." + p.key()].grad(), p.value().grad(), 1e-10);
    ++compared;
  }
  CHECK(compared == 16);  // 2 layers x 2 directions x (w_ih, w_hh, b_ih, b_hh)
}

TEST_CASE("rnn: one step at a time equals the whole sequence", "[model][rnn]") {
  const std::string cell = GENERATE(as<std::string>{}, "gru", "lstm");
  const int64_t layers = GENERATE(as<int64_t>{}, 1, 2);
  CAPTURE(cell, layers);
  torch::manual_seed(13);
  nmt::RnnOptions options;
  options.cell = cell;
  options.input = 4;
  options.hidden = 3;
  options.layers = layers;
  nmt::Rnn rnn(options);
  rnn->to(torch::kDouble);
  const auto input = torch::randn({2, 5, 4}, torch::kDouble);
  const auto lengths = torch::tensor({5, 5}, torch::kInt64);
  const auto [outputs, h] = rnn->forward_padded(input, lengths);

  nmt::RnnState state;
  state.h = torch::zeros({layers, 2, 3}, torch::kDouble);
  if (cell == "lstm") state.c = torch::zeros({layers, 2, 3}, torch::kDouble);
  for (int64_t t = 0; t < 5; ++t) {
    auto [out, next] = rnn->step(rnn->project_input(input.select(1, t)), state);
    INFO("step " << t);
    nmt::test::require_close(out, outputs.select(1, t), 1e-10);
    state = next;
  }
  nmt::test::require_close(state.h, h, 1e-10);
}
