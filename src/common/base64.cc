// Base64 encoding and decoding.
#include "common/base64.h"

#include <cstdint>

namespace sfpe {

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto at = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])); };
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t triple = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
    out += kAlphabet[(triple >> 18) & 63];
    out += kAlphabet[(triple >> 12) & 63];
    out += kAlphabet[(triple >> 6) & 63];
    out += kAlphabet[triple & 63];
  }
  if (i + 1 == bytes.size()) {
    const uint32_t single = at(i) << 16;
    out += kAlphabet[(single >> 18) & 63];
    out += kAlphabet[(single >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const uint32_t pair = (at(i) << 16) | (at(i + 1) << 8);
    out += kAlphabet[(pair >> 18) & 63];
    out += kAlphabet[(pair >> 12) & 63];
    out += kAlphabet[(pair >> 6) & 63];
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  auto sextet = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  std::string out;
  out.reserve(text.size() / 4 * 3);
  size_t pos = 0;
  while (true) {
    while (pos < text.size() && is_space(text[pos])) ++pos;
    if (pos == text.size()) return out;
    if (text.size() - pos < 4) return std::nullopt;
    int values[4];
    int padding = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text[pos + i];
      if (c == '=' && i >= 2) {
        ++padding;
        values[i] = 0;
        continue;
      }
      if (padding > 0) return std::nullopt;  // data after padding inside a group
      values[i] = sextet(c);
      if (values[i] < 0) return std::nullopt;
    }
    pos += 4;
    const uint32_t group =
        (static_cast<uint32_t>(values[0]) << 18) | (static_cast<uint32_t>(values[1]) << 12) |
        (static_cast<uint32_t>(values[2]) << 6) | static_cast<uint32_t>(values[3]);
    out.push_back(static_cast<char>(group >> 16));
    if (padding < 2) out.push_back(static_cast<char>((group >> 8) & 0xff));
    if (padding < 1) out.push_back(static_cast<char>(group & 0xff));
    if (padding > 0) {
      while (pos < text.size() && is_space(text[pos])) ++pos;
      return pos == text.size() ? std::optional<std::string>(std::move(out)) : std::nullopt;
    }
  }
}

std::string base64url_encode(std::string_view bytes) {
  std::string out = base64_encode(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string standard;
  standard.reserve(text.size() + 2);
  for (char c : text) {
    if (c == '+' || c == '/' || c == '=' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      return std::nullopt;
    }
    standard.push_back(c == '-' ? '+' : c == '_' ? '/' : c);
  }
  while (standard.size() % 4 != 0) standard.push_back('=');
  return base64_decode(standard);
}

}  // namespace sfpe
