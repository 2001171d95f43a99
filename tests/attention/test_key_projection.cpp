// dot, scaled_dot and cosine compare the decoder state with the encoder states; where their
// sizes differ a learned key projection is added. That changes what the type is (dot becomes
// bilinear), so it is logged, with the setting that avoids it.
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <catch2/catch.hpp>
#include <sstream>

#include "attention/attention.h"
#include "attention/registry.h"
#include "common/config.h"

using Catch::Contains;

namespace {

// What building `type` for `shape` logs, and whether it has a key projection.
std::pair<std::string, bool> build_and_log(const std::string& type, nmt::AttentionShape shape) {
  std::ostringstream log;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log);
  auto& sinks = spdlog::default_logger()->sinks();
  sinks.push_back(sink);
  nmt::AttentionConfig config;
  config.type = type;
  const auto attention = nmt::make_attention(config, shape);
  sinks.pop_back();
  bool projected = false;
  for (const auto& p : attention->named_parameters()) projected |= p.key() == "key_proj.weight";
  return {log.str(), projected};
}

}  // namespace

TEST_CASE("attention: a key projection added to dot, scaled_dot or cosine is logged",
          "[attention][key_projection]") {
  const std::string type = GENERATE(as<std::string>{}, "dot", "scaled_dot", "cosine");
  CAPTURE(type);
  const auto [log, projected] = build_and_log(type, {/*query_dim=*/8, /*value_dim=*/10});
  CHECK(projected);
  CHECK_THAT(log, Contains("attention " + type +
                           ": the decoder state (8) and the encoder "
                           "states (10) differ in size"));
  CHECK_THAT(log, Contains("learned 8x10 key projection"));
  CHECK_THAT(log, Contains("set model.decoder.hidden=10"));
  if (type == "cosine") {
    CHECK_THAT(log, !Contains("bilinear"));
  } else {
    CHECK_THAT(log, Contains("the same model as bilinear"));
  }

  const auto [same_size_log, same_size_projected] = build_and_log(type, {10, 10});
  CHECK_FALSE(same_size_projected);
  CHECK(same_size_log.empty());
}
