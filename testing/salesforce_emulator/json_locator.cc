// JsonLocator: one pass over the text with a stack of open containers.
#include "salesforce_emulator/json_locator.h"

#include <fmt/format.h>

#include <vector>

namespace sfpe::testing {
namespace {

struct Frame {
  bool object = false;
  bool expect_key = true;  // objects only
  std::string key;         // objects: the current member's key
  int index = 0;           // arrays: the current element's index
};

std::string pointer_of(const std::vector<Frame>& stack) {
  std::string pointer;
  for (const Frame& frame : stack) {
    pointer += '/';
    pointer += frame.object ? frame.key : std::to_string(frame.index);
  }
  return pointer;
}

bool is_delimiter(char c) {
  return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

JsonLocator::JsonLocator(std::string_view text) {
  std::vector<Frame> stack;
  int line = 1;
  size_t line_start = 0;
  auto record_end = [&](size_t end) {
    ends_[pointer_of(stack)] = {line, static_cast<int>(end - line_start) + 1};
  };
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '\n') {
      ++line;
      line_start = i + 1;
      ++i;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
    } else if (c == '{' || c == '[') {
      record_end(i + 1);
      Frame frame;
      frame.object = c == '{';
      stack.push_back(std::move(frame));
      ++i;
    } else if (c == '}' || c == ']') {
      if (!stack.empty()) stack.pop_back();
      ++i;
    } else if (c == ',') {
      if (!stack.empty()) {
        if (stack.back().object) {
          stack.back().expect_key = true;
        } else {
          ++stack.back().index;
        }
      }
      ++i;
    } else if (c == ':') {
      if (!stack.empty()) stack.back().expect_key = false;
      ++i;
    } else if (c == '"') {
      size_t end = i + 1;
      while (end < text.size() && text[end] != '"') end += text[end] == '\\' ? 2 : 1;
      end = std::min(end + 1, text.size());  // past the closing quote
      if (!stack.empty() && stack.back().object && stack.back().expect_key) {
        stack.back().key = std::string(text.substr(i + 1, end - i - 2));
      } else {
        record_end(end);
      }
      i = end;
    } else {  // number, true, false, null
      size_t end = i;
      while (end < text.size() && !is_delimiter(text[end])) ++end;
      record_end(end);
      if (c == '-' || (c >= '0' && c <= '9')) {
        numbers_[pointer_of(stack)] = std::string(text.substr(i, end - i));
      }
      i = end;
    }
  }
}

std::string JsonLocator::where(const std::string& pointer) const {
  auto found = ends_.find(pointer);
  if (found == ends_.end()) return "";
  return fmt::format(" at [line:{}, column:{}]", found->second.first, found->second.second);
}

std::optional<std::string> JsonLocator::number_text(const std::string& pointer) const {
  auto found = numbers_.find(pointer);
  if (found == numbers_.end()) return std::nullopt;
  return found->second;
}

}  // namespace sfpe::testing
