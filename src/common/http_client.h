// A small blocking HTTP client over one libcurl easy handle (keep-alive, TLS always verified).
// Not thread-safe: each task owns its own. Transport failures come back as transient Errors;
// HTTP statuses are returned as they are, for the caller to classify.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "common/secret.h"

namespace sfpe {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  HttpHeaders headers;  // e.g. {"Authorization", "Bearer ..."}: never logged by this class
  std::string body;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  HttpHeaders headers;  // names lower-cased

  // Value of the first header named `name` (case-insensitive), or empty.
  std::string header(std::string_view name) const;
};

struct HttpClientOptions {
  int64_t connect_timeout_ms = 30000;
  int64_t request_timeout_ms = 120000;
  std::string ca_file;  // extra CA bundle; empty = system store
  std::string ca_pem;   // CA certificates as PEM text (used instead of ca_file when set)
  // Client certificate (mutual TLS): a PEM file (certificate, and the key unless client_key_file
  // is set) or a PKCS#12 keystore ("P12"); the password opens the key or the keystore.
  std::string client_cert_file;
  std::string client_cert_type = "PEM";  // "PEM" or "P12"
  std::string client_key_file;
  Secret client_key_password;
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends the request; an Error only for transport failures (refused, reset, timeout, TLS).
  Result<HttpResponse> send(const HttpRequest& request);

  // Percent-encodes `value` for a URL path segment or form field.
  static std::string url_encode(std::string_view value);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Renders a request for a DEBUG log line: method, URL, body length; headers and body omitted,
// so no token or password can leak through it.
std::string describe_for_log(const HttpRequest& request);

}  // namespace sfpe
