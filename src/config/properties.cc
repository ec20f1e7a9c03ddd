// java.util.Properties.load, re-implemented: first the logical-line reader (comments, blank lines,
// continuations), then the key/value split and the escape decoding of each logical line.
#include "config/properties.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

namespace sfpe::config {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\f'; }
bool is_line_end(char c) { return c == '\n' || c == '\r'; }

struct LogicalLine {
  std::string text;
  int first_line = 0;  // 1-based natural line where it starts, for error messages
};

// Splits `text` into logical lines the way Properties.LineReader does: leading whitespace is
// skipped, blank and comment lines dropped, and a natural line ending in an odd number of
// backslashes continues on the next one (whose leading whitespace is dropped too).
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}

  std::optional<LogicalLine> next() {
    LogicalLine line;
    bool skip_blanks = true;
    bool continued = false;  // inside a continuation: an empty next line ends the logical line
    bool preceding_backslash = false;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (skip_blanks) {
        if (is_blank(c)) continue;
        if (!continued && is_line_end(c)) {
          end_natural_line(c);
          continue;
        }
        skip_blanks = false;
        continued = false;
      }
      if (line.text.empty() && line.first_line == 0) line.first_line = line_number_;
      if (line.text.empty() && (c == '#' || c == '!')) {
        // A comment runs to the end of its natural line; a trailing backslash does not continue it.
        while (pos_ < text_.size() && !is_line_end(text_[pos_])) ++pos_;
        line.first_line = 0;
        skip_blanks = true;
        continue;
      }
      if (!is_line_end(c)) {
        line.text.push_back(c);
        preceding_backslash = c == '\\' ? !preceding_backslash : false;
        continue;
      }
      end_natural_line(c);
      if (line.text.empty()) {  // nothing but a continuation backslash so far: keep looking
        line.first_line = 0;
        skip_blanks = true;
        continued = false;
        continue;
      }
      if (preceding_backslash) {
        line.text.pop_back();  // the continuation backslash itself
        preceding_backslash = false;
        skip_blanks = true;
        continued = true;
        continue;
      }
      return line;
    }
    if (preceding_backslash) line.text.pop_back();  // a backslash at end of input is dropped
    if (line.text.empty()) return std::nullopt;
    return line;
  }

 private:
  // Counts the line and swallows the LF of a CRLF pair.
  void end_natural_line(char c) {
    ++line_number_;
    if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_number_ = 1;
};

void append_utf8(uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

// Reads the 4 hex digits of a \u escape starting at `pos`.
std::optional<uint32_t> read_hex4(std::string_view s, size_t pos) {
  if (pos + 4 > s.size()) return std::nullopt;
  uint32_t value = 0;
  for (size_t i = pos; i < pos + 4; ++i) {
    char c = s[i];
    uint32_t digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    value = value * 16 + digit;
  }
  return value;
}

bool is_high_surrogate(uint32_t u) { return u >= 0xD800 && u <= 0xDBFF; }
bool is_low_surrogate(uint32_t u) { return u >= 0xDC00 && u <= 0xDFFF; }

// Properties.loadConvert: decodes escapes. Java strings are UTF-16, so a \u pair forming a
// surrogate pair is one code point; a lone surrogate cannot be written as UTF-8 and is rejected.
// Bytes that are not escapes are copied as they are: the file is taken to be UTF-8 (Java's
// load(InputStream) would read ISO-8859-1, which turns UTF-8 text into mojibake; nobody wants
// that).
Result<std::string> unescape(std::string_view s, int line_number) {
  auto malformed = [&](std::string_view why) {
    return Error::fatal("CONFIG_SYNTAX",
                        fmt::format("line {}: malformed \\uxxxx encoding ({})", line_number, why));
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i == s.size()) break;  // cannot happen after LineReader; keep it harmless
    c = s[i];
    switch (c) {
      case 't':
        out.push_back('\t');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'u': {
        std::optional<uint32_t> unit = read_hex4(s, i + 1);
        if (!unit) return malformed("\\u must be followed by 4 hex digits");
        i += 4;
        uint32_t code_point = *unit;
        if (is_high_surrogate(code_point)) {
          std::optional<uint32_t> low;
          if (i + 2 < s.size() && s[i + 1] == '\\' && s[i + 2] == 'u') low = read_hex4(s, i + 3);
          if (!low || !is_low_surrogate(*low)) return malformed("unpaired high surrogate");
          code_point = 0x10000 + ((code_point - 0xD800) << 10) + (*low - 0xDC00);
          i += 6;
        } else if (is_low_surrogate(code_point)) {
          return malformed("unpaired low surrogate");
        }
        append_utf8(code_point, out);
        break;
      }
      default:
        out.push_back(c);  // unknown escapes (\=, \:, \#, \\, \ , \q...) drop the backslash
    }
  }
  return out;
}

}  // namespace

Result<Properties> parse_properties(std::string_view text) {
  // A UTF-8 byte-order mark is not part of the first key (Java would keep it; editors add it).
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  Properties properties;
  LineReader reader(text);
  while (std::optional<LogicalLine> line = reader.next()) {
    std::string_view s = line->text;
    // The key ends at the first unescaped '=', ':' or whitespace (Properties.load0).
    size_t key_end = 0;
    size_t value_start = s.size();
    bool has_separator = false;
    bool preceding_backslash = false;
    for (; key_end < s.size(); ++key_end) {
      char c = s[key_end];
      if (!preceding_backslash && (c == '=' || c == ':')) {
        value_start = key_end + 1;
        has_separator = true;
        break;
      }
      if (!preceding_backslash && is_blank(c)) {
        value_start = key_end + 1;
        break;
      }
      preceding_backslash = c == '\\' ? !preceding_backslash : false;
    }
    // Whitespace around the separator, and at most one '='/':' after a whitespace separator.
    for (; value_start < s.size(); ++value_start) {
      char c = s[value_start];
      if (is_blank(c)) continue;
      if (!has_separator && (c == '=' || c == ':')) {
        has_separator = true;
        continue;
      }
      break;
    }
    Result<std::string> key = unescape(s.substr(0, key_end), line->first_line);
    if (!key.ok()) return key.error();
    Result<std::string> value = unescape(s.substr(value_start), line->first_line);
    if (!value.ok()) return value.error();
    properties[std::move(key.value())] = std::move(value.value());
  }
  return properties;
}

Result<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error::fatal("CONFIG_FILE",
                        fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    return Error::fatal("CONFIG_FILE", fmt::format("error while reading {}", path));
  }
  return buffer.str();
}

Result<Properties> load_properties_file(const std::string& path) {
  Result<std::string> text = read_text_file(path);
  if (!text.ok()) return text.error();
  Result<Properties> properties = parse_properties(text.value());
  if (!properties.ok()) {
    return Error::fatal(properties.error().code,
                        fmt::format("{}: {}", path, properties.error().message));
  }
  return properties;
}

}  // namespace sfpe::config
