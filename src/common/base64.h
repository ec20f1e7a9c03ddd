// Standard base64 with padding (RFC 4648 §4): Basic authentication, bytes in event bodies and
// JSON payloads, serialized Protobuf descriptors; base64url without padding for JWTs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sfpe {

std::string base64_encode(std::string_view bytes);

// Whitespace is allowed between 4-character groups (Jackson's MIME-no-linefeeds reading);
// nullopt when `text` is not valid base64.
std::optional<std::string> base64_decode(std::string_view text);

// base64url without padding (RFC 4648 §5, as JWS segments use it, RFC 7515 §2). Decoding refuses
// padding, whitespace and the standard alphabet's '+' and '/'.
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace sfpe
