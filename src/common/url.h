// Small readers of the URLs and host:port endpoints in the configuration: the host they name and
// whether traffic to it stays on this machine (the only place a cleartext connection is allowed).
#pragma once

#include <string>
#include <string_view>

namespace sfpe {

// The host of "scheme://[user@]host[:port][/path]" or of "host[:port]", lower-cased, without
// user-info, port and the brackets of an IPv6 literal: "http://[::1]:8080" -> "::1".
std::string url_host(std::string_view url);

// True when `url` starts with "http://" in any case: a connection without TLS.
bool is_cleartext_url(std::string_view url);

// True for hosts that only reach this machine: "localhost", 127.0.0.0/8 and ::1. A name that
// merely starts like one ("127.0.0.1.example.com", "localhost.example.com") is not.
bool is_loopback_host(std::string_view host);

}  // namespace sfpe
