// UTF-8 per RFC 3629: 1-4 byte sequences, shortest form only, no surrogates.
#include "common/utf8.h"

namespace nmt {
namespace {

// Length of the sequence starting with `lead` and its payload bits; 0 for an invalid lead.
int sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 0;
}

// Decodes one sequence at text[i]; returns its length, or 0 if it is malformed.
int decode_one(std::string_view text, size_t i, char32_t* out) {
  const auto lead = static_cast<unsigned char>(text[i]);
  const int len = sequence_length(lead);
  if (len == 0 || i + len > text.size()) return 0;
  if (len == 1) {
    *out = lead;
    return 1;
  }
  static constexpr unsigned char kLeadMask[5] = {0, 0, 0x1F, 0x0F, 0x07};
  static constexpr char32_t kMinimum[5] = {0, 0, 0x80, 0x800, 0x10000};
  char32_t cp = lead & kLeadMask[len];
  for (int k = 1; k < len; ++k) {
    const auto byte = static_cast<unsigned char>(text[i + k]);
    if ((byte & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte & 0x3F);
  }
  if (cp < kMinimum[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  *out = cp;
  return len;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  char32_t cp;
  for (size_t i = 0; i < text.size();) {
    // ASCII fast path: most of a corpus is one byte per character.
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const int len = decode_one(text, i, &cp);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::u32string decode_utf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  char32_t cp = 0;
  for (size_t i = 0; i < text.size();) {
    const int len = decode_one(text, i, &cp);
    if (len == 0) {  // precondition violated: keep going rather than loop forever
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

std::string encode_utf8(std::u32string_view code_points) {
  std::string out;
  out.reserve(code_points.size());
  for (char32_t cp : code_points) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

}  // namespace nmt
