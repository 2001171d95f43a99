// train.ema: the moving average by hand (decay 0 follows the weights, 1 keeps the first ones,
// 0.5 halves the distance), swapped into the model and back, and refused from a checkpoint of
// another model.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "common/errors.h"
#include "train/parameter_average.h"

namespace {

torch::nn::Linear tiny_layer() {
  torch::nn::Linear layer(2, 1);
  const torch::NoGradGuard no_grad;
  layer->weight.copy_(torch::tensor({{1.0f, 2.0f}}));
  layer->bias.copy_(torch::tensor({4.0f}));
  return layer;
}

void set_weights(torch::nn::Linear& layer, float weight, float bias) {
  const torch::NoGradGuard no_grad;
  layer->weight.fill_(weight);
  layer->bias.fill_(bias);
}

}  // namespace

TEST_CASE("parameter average: decay 0 is the weights, 1 the first ones, 0.5 by hand",
          "[train][ema]") {
  auto layer = tiny_layer();
  nmt::ParameterAverage follows(*layer, 0.0), keeps(*layer, 1.0), halves(*layer, 0.5);
  set_weights(layer, 3, 0);
  for (auto* average : {&follows, &keeps, &halves}) average->update(*layer);
  set_weights(layer, 5, 8);
  for (auto* average : {&follows, &keeps, &halves}) average->update(*layer);

  CHECK(torch::equal(follows.state().at("weight"), torch::tensor({{5.0f, 5.0f}})));
  CHECK(torch::equal(follows.state().at("bias"), torch::tensor({8.0f})));
  CHECK(torch::equal(keeps.state().at("weight"), torch::tensor({{1.0f, 2.0f}})));
  CHECK(torch::equal(keeps.state().at("bias"), torch::tensor({4.0f})));
  // weight: 1 -> (1+3)/2 = 2 -> (2+5)/2 = 3.5; 2 -> 2.5 -> 3.75; bias: 4 -> 2 -> 5.
  CHECK(torch::equal(halves.state().at("weight"), torch::tensor({{3.5f, 3.75f}})));
  CHECK(torch::equal(halves.state().at("bias"), torch::tensor({5.0f})));
}

TEST_CASE("parameter average: in the model while it lives, the weights back after",
          "[train][ema]") {
  auto layer = tiny_layer();
  nmt::ParameterAverage average(*layer, 1.0);
  set_weights(layer, 7, 9);
  {
    const nmt::ParameterAverage::InModel averaged(average, *layer);
    CHECK(torch::equal(layer->weight, torch::tensor({{1.0f, 2.0f}})));
    CHECK(torch::equal(layer->bias, torch::tensor({4.0f})));
  }
  CHECK(torch::equal(layer->weight, torch::tensor({{7.0f, 7.0f}})));
  CHECK(torch::equal(layer->bias, torch::tensor({9.0f})));
}

TEST_CASE("parameter average: a checkpoint's average of another model is refused", "[train][ema]") {
  auto layer = tiny_layer();
  nmt::ParameterAverage average(*layer, 0.5);
  auto state = average.state();
  state.at("weight") = torch::zeros({1, 3});
  CHECK_THROWS_AS(average.load_state(state, "x.ckpt"), nmt::DataError);
  state.erase("weight");
  CHECK_THROWS_WITH(average.load_state(state, "x.ckpt"),
                    Catch::Contains("x.ckpt") && Catch::Contains("'weight'"));
  auto extra = average.state();
  extra["other"] = torch::zeros({1});
  CHECK_THROWS_AS(average.load_state(extra, "x.ckpt"), nmt::DataError);
  // Refused before anything changed; a good one is taken.
  CHECK(torch::equal(average.state().at("bias"), torch::tensor({4.0f})));
  auto good = average.state();
  good.at("bias") = torch::tensor({6.0f});
  average.load_state(good, "x.ckpt");
  CHECK(torch::equal(average.state().at("bias"), torch::tensor({6.0f})));
}
