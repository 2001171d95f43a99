// UTF-8 validation and decoding, shared by corpus reading and the character-level metrics.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nmt {

/// True if `text` is well-formed UTF-8 (no overlong forms, surrogates or values > U+10FFFF).
bool is_valid_utf8(std::string_view text);

/// Decodes well-formed UTF-8 into code points. Precondition: is_valid_utf8(text).
std::u32string decode_utf8(std::string_view text);

/// Encodes code points as UTF-8.
std::string encode_utf8(std::u32string_view code_points);

}  // namespace nmt
