// URL host parsing with inet_pton for the address checks (no resolver: a name other than
// "localhost" is never trusted to be local).
#include "common/url.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace sfpe {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string url_host(std::string_view url) {
  size_t start = url.find("://");
  start = start == std::string_view::npos ? 0 : start + 3;
  size_t end = url.find_first_of("/?#", start);
  std::string_view authority = url.substr(start, end == std::string_view::npos ? end : end - start);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (authority.starts_with('[')) {  // an IPv6 literal, RFC 3986 §3.2.2
    size_t close = authority.find(']');
    return lower(authority.substr(1, close == std::string_view::npos ? close : close - 1));
  }
  return lower(authority.substr(0, authority.find(':')));
}

bool is_cleartext_url(std::string_view url) {
  return url.size() >= 7 && lower(url.substr(0, 7)) == "http://";
}

bool is_loopback_host(std::string_view host) {
  const std::string name = lower(host);
  if (name == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, name.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, name.c_str(), &v6) == 1) {
    return std::memcmp(&v6, &in6addr_loopback, sizeof(v6)) == 0;
  }
  return false;
}

}  // namespace sfpe
