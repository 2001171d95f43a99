// Maps `model.attention.type` names to attention modules. Each entry also lists the config
// parameters its type accepts, so a new type is its own .h/.cpp pair plus one line in
// registry.cpp. This header does not need torch, so the config loader can use it.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace nmt {

class Attention;
struct AttentionConfig;
struct AttentionShape;

/// The registered type names, in registration order.
std::vector<std::string> attention_types();

/// Parameter keys (under model.attention) that `type` accepts besides `type`; throws
/// ConfigError listing the types if `type` is unknown.
const std::set<std::string>& attention_parameters(const std::string& type);

/// A new module of `config.type` for the given sizes; throws ConfigError for an unknown
/// type or parameters that do not fit the sizes.
std::shared_ptr<Attention> make_attention(const AttentionConfig& config,
                                          const AttentionShape& shape);

}  // namespace nmt
