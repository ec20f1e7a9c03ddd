// A small blocking HTTP client over one libcurl easy handle (keep-alive, TLS always verified),
// optionally through an HTTP proxy. Not thread-safe: each task owns its own. Transport failures
// (a proxy's refusal included) come back as transient Errors; other HTTP statuses are returned as
// they are, for the caller to classify.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
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

enum class ProxyAuth { kNone, kBasic, kNtlm };

// A forward proxy (Salesforce's http.proxy, confluent-connector.md §3.1). Every request goes
// through a CONNECT tunnel, http:// URLs included.
struct HttpProxy {
  std::string host_port;  // "host:port" (or "scheme://host:port"); empty: connect directly
  ProxyAuth auth = ProxyAuth::kNone;
  std::string user;  // for NTLM, DOMAIN\user when a domain is given (see ntlm_user)
  Secret password;

  // DOMAIN\user, or `user` alone when `domain` is empty.
  static std::string ntlm_user(const std::string& domain, const std::string& user);
  // The proxy as a URL for libcurl and the logs: "http://host:port" unless a scheme is given.
  std::string url() const;
};

struct HttpClientOptions {
  int64_t connect_timeout_ms = 30000;   // TCP (and proxy) connect plus the TLS handshake
  int64_t request_timeout_ms = 120000;  // the whole request, connect included
  // nullopt: libcurl's default, which honours the http_proxy/https_proxy/no_proxy environment
  // variables. Set (even with an empty host_port): exactly this, and the environment is ignored,
  // so a proxy is used for every host, 127.0.0.1 included.
  std::optional<HttpProxy> proxy;
  std::string ca_file;  // extra CA bundle; empty = system store
  std::string ca_pem;   // CA certificates as PEM text (used instead of ca_file when set)
  // Client certificate (mutual TLS): a PEM file (certificate, and the key unless client_key_file
  // is set) or a PKCS#12 keystore ("P12"); the password opens the key or the keystore.
  std::string client_cert_file;
  std::string client_cert_type = "PEM";  // "PEM" or "P12"
  std::string client_key_file;
  Secret client_key_password;
  // When set, called before each request with its equivalent curl command line (secrets
  // redacted, see curl_command) -- curl.logging. Keeps this class free of any logging library.
  std::function<void(const std::string& curl_command)> curl_logger;
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
  // Undoes %XX escapes (malformed ones stay as they are); with `plus_as_space`, '+' is a space,
  // as in form bodies.
  static std::string url_decode(std::string_view value, bool plus_as_space = false);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The request as an equivalent curl command line, for curl.logging. Unlike the original
// connector's, it never shows a secret: the values of the Authorization, Proxy-Authorization and
// Cookie headers (and of any header whose name mentions a token, secret, password or key), the
// values of form fields and URL query parameters named like secrets (client_secret, password,
// assertion, *token*, ...), URL user-info passwords, the proxy password and the client key
// password all become "[hidden]"; an HTTP authentication scheme word ("Bearer") stays.
std::string curl_command(const HttpRequest& request, const HttpClientOptions& options);

// Renders a request for a DEBUG log line: method, URL, body length; headers and body omitted,
// so no token or password can leak through it.
std::string describe_for_log(const HttpRequest& request);

}  // namespace sfpe
