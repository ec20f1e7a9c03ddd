#include "common/http_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>

namespace sfpe {
namespace {

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

size_t write_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t write_header(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<HttpHeaders*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    headers->clear();  // a new response (after 100-continue or a redirect) starts over
    return size * count;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  headers->emplace_back(std::move(name), std::string(value));
  return size * count;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Names of form fields, query parameters and headers whose values are credentials: OAuth's
// client_secret, password, assertion (JWT bearer), access/refresh tokens, session ids
// (X-SFDC-Session), and the like.
bool names_a_secret(std::string_view name) {
  static constexpr std::array<std::string_view, 10> kParts = {
      "secret",     "password", "passwd",  "token",   "assertion",
      "credential", "apikey",   "api-key", "api_key", "session"};
  const std::string lowered = lower(name);
  return std::any_of(kParts.begin(), kParts.end(), [&](std::string_view part) {
    return lowered.find(part) != std::string::npos;
  });
}

bool is_credential_header(std::string_view name) {
  const std::string lowered = lower(name);
  return lowered == "authorization" || lowered == "proxy-authorization" || lowered == "cookie" ||
         lowered == "set-cookie" || names_a_secret(lowered) ||
         lowered.find("key") != std::string::npos;
}

// "Bearer 00Dxx!AQ..." -> "Bearer [hidden]": the scheme word helps reading the log.
std::string redact_header_value(std::string_view value) {
  auto space = value.find(' ');
  if (space != std::string_view::npos && space > 0 &&
      std::all_of(value.begin(), value.begin() + static_cast<std::ptrdiff_t>(space),
                  [](unsigned char c) { return std::isalpha(c) != 0; })) {
    return fmt::format("{} {}", value.substr(0, space), Secret::kMask);
  }
  return Secret::kMask;
}

// "a=1&client_secret=x" -> "a=1&client_secret=[hidden]" (application/x-www-form-urlencoded, and
// URL query strings).
std::string redact_form(std::string_view form) {
  std::string out;
  size_t start = 0;
  while (start <= form.size()) {
    size_t end = form.find('&', start);
    if (end == std::string_view::npos) end = form.size();
    std::string_view field = form.substr(start, end - start);
    if (start > 0) out.push_back('&');
    auto equals = field.find('=');
    if (equals != std::string_view::npos &&
        names_a_secret(HttpClient::url_decode(field.substr(0, equals), true))) {
      out.append(field.substr(0, equals + 1)).append(Secret::kMask);
    } else {
      out.append(field);
    }
    start = end + 1;
  }
  return out;
}

// The password of a "scheme://user:password@host" URL and secret query parameters hidden.
std::string redact_url(const std::string& url) {
  std::string out = url;
  auto scheme = out.find("://");
  if (scheme != std::string::npos) {
    auto authority_end = out.find_first_of("/?#", scheme + 3);
    auto at = out.rfind('@', authority_end == std::string::npos ? out.size() - 1 : authority_end);
    if (at != std::string::npos && at > scheme + 3) {
      auto colon = out.find(':', scheme + 3);
      if (colon != std::string::npos && colon < at)
        out.replace(colon + 1, at - colon - 1, Secret::kMask);
    }
  }
  auto query = out.find('?');
  if (query != std::string::npos) {
    auto fragment = out.find('#', query);
    std::string_view rest(out);
    std::string tail = fragment == std::string::npos ? "" : out.substr(fragment);
    std::string redacted = redact_form(rest.substr(
        query + 1, (fragment == std::string::npos ? out.size() : fragment) - query - 1));
    out = out.substr(0, query + 1) + redacted + tail;
  }
  return out;
}

// A word for a POSIX shell: single-quoted, a quote inside written as '\''.
std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  out.push_back('\'');
  return out;
}

// Milliseconds as curl's seconds arguments take them: 30000 -> "30", 1500 -> "1.5".
std::string seconds(int64_t ms) {
  std::string out = fmt::format("{}.{:03}", ms / 1000, ms % 1000);
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out;
}

bool is_form(const HttpRequest& request) {
  for (const auto& [name, value] : request.headers) {
    if (lower(name) == "content-type" &&
        lower(value).starts_with("application/x-www-form-urlencoded")) {
      return true;
    }
  }
  return false;
}

const char* proxy_auth_name(ProxyAuth auth) {
  switch (auth) {
    case ProxyAuth::kBasic:
      return "BASIC";
    case ProxyAuth::kNtlm:
      return "NTLM";
    case ProxyAuth::kNone:
      break;
  }
  return "NONE";
}

bool proxied(const HttpClientOptions& options) {
  return options.proxy.has_value() && !options.proxy->host_port.empty();
}

void apply_proxy(CURL* curl, const HttpProxy& proxy) {
  if (proxy.host_port.empty()) {
    // "" disables every proxy, the environment's included (libcurl's CURLOPT_PROXY).
    curl_easy_setopt(curl, CURLOPT_PROXY, "");
    return;
  }
  const std::string url = proxy.url();
  curl_easy_setopt(curl, CURLOPT_PROXY, url.c_str());  // libcurl copies option strings
  // No host bypasses the proxy, whatever NO_PROXY says: not even localhost.
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "");
  // http:// URLs too go through a CONNECT tunnel (https ones always do): the proxy relays bytes
  // and never reads a request, and its own refusals (401 or 407 to CONNECT) cannot be mistaken
  // for the server's answers -- Salesforce answers 401 to an expired session.
  curl_easy_setopt(curl, CURLOPT_HTTPPROXYTUNNEL, 1L);
  if (proxy.auth == ProxyAuth::kNone) return;
  curl_easy_setopt(curl, CURLOPT_PROXYAUTH,
                   proxy.auth == ProxyAuth::kNtlm ? CURLAUTH_NTLM : CURLAUTH_BASIC);
  curl_easy_setopt(curl, CURLOPT_PROXYUSERNAME, proxy.user.c_str());
  curl_easy_setopt(curl, CURLOPT_PROXYPASSWORD, proxy.password.reveal().c_str());
}

// The proxy refused the tunnel for want of (valid) credentials: 407, or 401 as tinyproxy answers
// a wrong password.
Error proxy_refused(const HttpRequest& request, const HttpProxy& proxy, long status) {
  return Error::transient(
      "HTTP_PROXY_AUTH",
      fmt::format("{} {} failed: the proxy {} answered {} to CONNECT (proxy authentication "
                  "{}{}); check the proxy user and password",
                  request.method, describe_for_log(request), proxy.host_port,
                  status == 407 ? "407 Proxy Authentication Required" : "401 Unauthorized",
                  proxy_auth_name(proxy.auth),
                  proxy.auth == ProxyAuth::kNone ? "" : fmt::format(", user \"{}\"", proxy.user)));
}

}  // namespace

std::string HttpProxy::ntlm_user(const std::string& domain, const std::string& user) {
  return domain.empty() ? user : domain + "\\" + user;
}

std::string HttpProxy::url() const {
  if (host_port.empty() || host_port.find("://") != std::string::npos) return host_port;
  return "http://" + host_port;
}

struct HttpClient::Impl {
  HttpClientOptions options;
  CurlEasy easy;
};

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return value;
    }
  }
  return {};
}

HttpClient::HttpClient(HttpClientOptions options) : impl_(std::make_unique<Impl>()) {
  global_init_once();
  impl_->options = std::move(options);
  impl_->easy.reset(curl_easy_init());
}

HttpClient::~HttpClient() = default;

Result<HttpResponse> HttpClient::send(const HttpRequest& request) {
  CURL* curl = impl_->easy.get();
  if (curl == nullptr) return Error::fatal("HTTP_CLIENT", "curl_easy_init failed");
  curl_easy_reset(curl);

  HttpResponse response;
  CurlSlist header_list;
  for (const auto& [name, value] : request.headers) {
    std::string line = name + ": " + value;
    curl_slist* next = curl_slist_append(header_list.get(), line.c_str());
    if (next == nullptr) return Error::fatal("HTTP_CLIENT", "out of memory building headers");
    header_list.release();
    header_list.reset(next);
  }
  // Without this curl sends "Expect: 100-continue" for larger bodies and waits for it.
  curl_slist* next = curl_slist_append(header_list.get(), "Expect:");
  if (next != nullptr) {
    header_list.release();
    header_list.reset(next);
  }

  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(impl_->options.connect_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(impl_->options.request_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  const HttpClientOptions& options = impl_->options;
  if (!options.ca_pem.empty()) {
    curl_blob blob{const_cast<char*>(options.ca_pem.data()), options.ca_pem.size(),
                   CURL_BLOB_NOCOPY};  // options outlive the transfer
    curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob);
  } else if (!options.ca_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_file.c_str());
  }
  if (!options.client_cert_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLCERT, options.client_cert_file.c_str());
    curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, options.client_cert_type.c_str());
    if (!options.client_key_file.empty()) {
      curl_easy_setopt(curl, CURLOPT_SSLKEY, options.client_key_file.c_str());
    }
    if (!options.client_key_password.empty()) {
      curl_easy_setopt(curl, CURLOPT_KEYPASSWD, options.client_key_password.reveal().c_str());
    }
  }
  if (options.proxy) apply_proxy(curl, *options.proxy);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, write_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }

  if (options.curl_logger) options.curl_logger(curl_command(request, options));
  CURLcode code = curl_easy_perform(curl);
  const bool through_proxy = proxied(options);
  if (code != CURLE_OK) {
    long connect_status = 0;  // the proxy's answer to CONNECT
    curl_easy_getinfo(curl, CURLINFO_HTTP_CONNECTCODE, &connect_status);
    if (through_proxy && (connect_status == 407 || connect_status == 401)) {
      return proxy_refused(request, *options.proxy, connect_status);
    }
    std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
    return Error::transient(
        "HTTP_TRANSPORT",
        fmt::format("{} {} failed: {}{}", request.method, describe_for_log(request), detail,
                    through_proxy ? " (through the proxy " + options.proxy->host_port + ")" : ""));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

std::string HttpClient::url_encode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string curl_command(const HttpRequest& request, const HttpClientOptions& options) {
  std::string out = "curl";
  if (request.method != "GET" && request.method != "POST") out += " -X " + request.method;
  out += " " + shell_quote(redact_url(request.url));
  for (const auto& [name, value] : request.headers) {
    out += " -H " +
           shell_quote(fmt::format(
               "{}: {}", name, is_credential_header(name) ? redact_header_value(value) : value));
  }
  if (request.method != "GET") {
    out +=
        " --data-raw " + shell_quote(is_form(request) ? redact_form(request.body) : request.body);
  }
  if (options.proxy) {
    const HttpProxy& proxy = *options.proxy;
    if (proxy.host_port.empty()) {
      out += " --proxy ''";
    } else {
      out += " --proxy " + shell_quote(proxy.url()) + " --noproxy '' --proxytunnel";
      if (proxy.auth != ProxyAuth::kNone) {
        out += proxy.auth == ProxyAuth::kNtlm ? " --proxy-ntlm" : " --proxy-basic";
        out += " --proxy-user " + shell_quote(fmt::format("{}:{}", proxy.user, proxy.password));
      }
    }
  }
  if (!options.ca_pem.empty()) {
    out += " --cacert '<the configured PEM certificates>'";
  } else if (!options.ca_file.empty()) {
    out += " --cacert " + shell_quote(options.ca_file);
  }
  if (!options.client_cert_file.empty()) {
    std::string cert = options.client_cert_file;
    if (!options.client_key_password.empty())
      cert += fmt::format(":{}", options.client_key_password);
    out += " --cert " + shell_quote(cert) + " --cert-type " + shell_quote(options.client_cert_type);
    if (!options.client_key_file.empty()) out += " --key " + shell_quote(options.client_key_file);
  }
  out += " --connect-timeout " + seconds(options.connect_timeout_ms);
  out += " --max-time " + seconds(options.request_timeout_ms);
  return out;
}

std::string describe_for_log(const HttpRequest& request) {
  // The URL never carries secrets here (tokens go in headers, passwords in bodies); strip any
  // user-info part anyway, in case a registry URL like http://user:pass@host was configured.
  std::string url = request.url;
  auto scheme = url.find("://");
  if (scheme != std::string::npos) {
    auto at = url.find('@', scheme + 3);
    auto slash = url.find('/', scheme + 3);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      url.erase(scheme + 3, at - scheme - 2);
    }
  }
  return fmt::format("{} ({} body bytes)", url, request.body.size());
}

std::string HttpClient::url_decode(std::string_view value, bool plus_as_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '%' && i + 2 < value.size() && hex(value[i + 1]) >= 0 &&
        hex(value[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(value[i + 1]) * 16 + hex(value[i + 2])));
      i += 2;
    } else {
      out.push_back(plus_as_space && value[i] == '+' ? ' ' : value[i]);
    }
  }
  return out;
}

}  // namespace sfpe
