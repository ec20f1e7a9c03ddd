// The network side of HttpClient and of the Salesforce client settings: curl.logging's command
// rendering and its redaction (exact strings), the proxy (http.proxy, BASIC and NTLM) against a
// recording proxy on a local socket, a private CA bundle (salesforce.ssl.ca.location) against a
// TLS server whose certificates the openssl command line makes at test time, and the
// validation of these properties.
#include "common/http_client.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <spdlog/sinks/ostream_sink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "config/connector_config.h"
#include "runtime/connector_runtime.h"
#include "salesforce/auth.h"
#include "lib/test_certificates.h"

namespace sfpe {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// --- curl.logging: the rendered command -----------------------------------------------------

HttpRequest password_grant() {
  HttpRequest request;
  request.method = "POST";
  request.url = "https://login.salesforce.com/services/oauth2/token";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.body =
      "grant_type=password&client_id=KEY&client_secret=cs%2Bs3cret&username=u%40example.com"
      "&password=pa55word-xyzTOKEN123";
  return request;
}

TEST(CurlCommand, PasswordGrantHidesTheConsumerSecretAndThePasswordWithItsToken) {
  EXPECT_EQ(curl_command(password_grant(), {}),
            "curl 'https://login.salesforce.com/services/oauth2/token' "
            "-H 'Content-Type: application/x-www-form-urlencoded' -H 'Accept: application/json' "
            "--data-raw 'grant_type=password&client_id=KEY&client_secret=[hidden]"
            "&username=u%40example.com&password=[hidden]' "
            "--connect-timeout 30 --max-time 120");
}

TEST(CurlCommand, JwtBearerHidesTheAssertion) {
  HttpRequest request = password_grant();
  request.body =
      "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"
      "&assertion=eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJLRVkifQ.c2lnbmF0dXJl";
  EXPECT_EQ(curl_command(request, {}),
            "curl 'https://login.salesforce.com/services/oauth2/token' "
            "-H 'Content-Type: application/x-www-form-urlencoded' -H 'Accept: application/json' "
            "--data-raw 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"
            "&assertion=[hidden]' --connect-timeout 30 --max-time 120");
}

TEST(CurlCommand, RestCallsKeepTheBearerWordAndTheJsonBody) {
  HttpRequest publish;
  publish.method = "POST";
  publish.url = "https://na1.my.salesforce.com/services/data/v66.0/composite/sobjects";
  publish.headers = {{"Authorization", "Bearer 00Dxx0000001gPL!AQ4AQFnH"},
                     {"Content-Type", "application/json"}};
  publish.body = R"({"allOrNone":false,"records":[{"attributes":{"type":"Order__e"}}]})";
  EXPECT_EQ(curl_command(publish, {}),
            "curl 'https://na1.my.salesforce.com/services/data/v66.0/composite/sobjects' "
            "-H 'Authorization: Bearer [hidden]' -H 'Content-Type: application/json' "
            R"(--data-raw '{"allOrNone":false,"records":[{"attributes":{"type":"Order__e"}}]}' )"
            "--connect-timeout 30 --max-time 120");

  HttpRequest describe;
  describe.url = "https://na1.my.salesforce.com/services/data/v66.0/sobjects/Order__e/describe/";
  describe.headers = {{"authorization", "OAuth 00Dxx!AQ4"}};
  EXPECT_EQ(curl_command(describe, {}),
            "curl 'https://na1.my.salesforce.com/services/data/v66.0/sobjects/Order__e/describe/' "
            "-H 'authorization: OAuth [hidden]' --connect-timeout 30 --max-time 120");

  HttpRequest patch;
  patch.method = "PATCH";
  patch.url = "https://x/y";
  EXPECT_EQ(curl_command(patch, {}),
            "curl -X PATCH 'https://x/y' --data-raw '' --connect-timeout 30 --max-time 120");
}

TEST(CurlCommand, HeadersNamedLikeSecretsAndUrlCredentialsAreHidden) {
  HttpRequest request;
  request.url = "https://user:hunter2@host.example/path?access_token=abc123&q=1#part";
  request.headers = {{"Cookie", "sid=00Dxx"},
                     {"X-Api-Key", "k-123"},
                     {"Proxy-Authorization", "Basic cHU6cHA="},
                     {"X-Note", "it's fine"}};
  EXPECT_EQ(curl_command(request, {}),
            "curl 'https://user:[hidden]@host.example/path?access_token=[hidden]&q=1#part' "
            "-H 'Cookie: [hidden]' -H 'X-Api-Key: [hidden]' "
            "-H 'Proxy-Authorization: Basic [hidden]' -H 'X-Note: it'\\''s fine' "
            "--connect-timeout 30 --max-time 120");
}

TEST(CurlCommand, ProxyCaAndTimeoutsAsCurlOptions) {
  HttpRequest request;
  request.url = "http://127.0.0.1:8080/x";
  HttpClientOptions options;
  options.connect_timeout_ms = 5000;
  options.request_timeout_ms = 1500;
  options.ca_file = "/etc/sfpe/ca.pem";
  options.proxy = HttpProxy{"proxy.corp:3128", ProxyAuth::kBasic, "pu", Secret("proxy-s3cret")};
  EXPECT_EQ(curl_command(request, options),
            "curl 'http://127.0.0.1:8080/x' --proxy 'http://proxy.corp:3128' --noproxy '' "
            "--proxytunnel --proxy-basic --proxy-user 'pu:[hidden]' --cacert '/etc/sfpe/ca.pem' "
            "--connect-timeout 5 --max-time 1.5");

  options.proxy = HttpProxy{"https://proxy.corp:3129", ProxyAuth::kNtlm,
                            HttpProxy::ntlm_user("CORP", "pu"), Secret("proxy-s3cret")};
  options.ca_file.clear();
  EXPECT_EQ(curl_command(request, options),
            "curl 'http://127.0.0.1:8080/x' --proxy 'https://proxy.corp:3129' --noproxy '' "
            "--proxytunnel --proxy-ntlm --proxy-user 'CORP\\pu:[hidden]' --connect-timeout 5 "
            "--max-time 1.5");

  options.proxy = HttpProxy{};  // explicitly direct: the environment's proxies are ignored
  EXPECT_EQ(curl_command(request, options),
            "curl 'http://127.0.0.1:8080/x' --proxy '' --connect-timeout 5 --max-time 1.5");

  options.proxy.reset();
  options.client_cert_file = "/etc/sfpe/client.p12";
  options.client_cert_type = "P12";
  options.client_key_password = Secret("key-s3cret");
  EXPECT_EQ(curl_command(request, options),
            "curl 'http://127.0.0.1:8080/x' --cert '/etc/sfpe/client.p12:[hidden]' "
            "--cert-type 'P12' --connect-timeout 5 --max-time 1.5");
}

TEST(CurlCommand, NoSecretEverAppears) {
  const std::vector<std::string> secrets = {"cs-s3cret",    "pa55word",   "TOKEN123",
                                            "eyJhbGci.jwt", "00Dxx!AQ4",  "refresh-r3fresh",
                                            "proxy-s3cret", "key-s3cret", "url-s3cret"};
  std::vector<HttpRequest> requests;
  HttpRequest login;
  login.method = "POST";
  login.url = "https://login.salesforce.com/services/oauth2/token";
  login.headers = {{"content-type", "application/x-www-form-urlencoded; charset=UTF-8"}};
  login.body =
      "client_secret=cs-s3cret&password=pa55wordTOKEN123&assertion=eyJhbGci.jwt"
      "&refresh_token=refresh-r3fresh&client_assertion=eyJhbGci.jwt";
  requests.push_back(login);
  HttpRequest rest;
  rest.url = "https://u:url-s3cret@na1.my.salesforce.com/services/data?token=00Dxx!AQ4";
  rest.headers = {{"Authorization", "Bearer 00Dxx!AQ4"},
                  {"Authorization", "00Dxx!AQ4"},
                  {"X-SFDC-Session", "00Dxx!AQ4"},
                  {"Cookie", "sid=00Dxx!AQ4"}};
  requests.push_back(rest);
  HttpClientOptions options;
  options.proxy = HttpProxy{"proxy:3128", ProxyAuth::kBasic, "pu", Secret("proxy-s3cret")};
  options.client_cert_file = "/k.p12";
  options.client_key_password = Secret("key-s3cret");
  for (const auto& request : requests) {
    const std::string command = curl_command(request, options);
    for (const auto& secret : secrets) {
      EXPECT_THAT(command, Not(HasSubstr(secret))) << command;
      EXPECT_THAT(command, Not(HasSubstr(HttpClient::url_encode(secret)))) << command;
    }
    EXPECT_THAT(command, HasSubstr("[hidden]"));
  }
}

// --- The proxy, against a recording proxy -------------------------------------------------------

constexpr const char* kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
constexpr const char* k407 =
    "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"p\"\r\n"
    "Content-Length: 0\r\nConnection: close\r\n\r\n";
// tinyproxy's answer to a wrong password.
constexpr const char* k401 =
    "HTTP/1.0 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"Tinyproxy\"\r\n"
    "Connection: close\r\n\r\n";
constexpr const char* kTunnel = "HTTP/1.1 200 Connection established\r\n\r\n";

// A one-connection-at-a-time proxy on 127.0.0.1 that records each request's head (and body):
// enough to see what libcurl sends a proxy. It answers CONNECT with `connect_response`; after a
// 200 it plays the server at the tunnel's end itself and answers the request sent through the
// tunnel with `response`.
class RecordingProxy {
 public:
  explicit RecordingProxy(std::string connect_response, std::string response = kOk)
      : connect_response_(std::move(connect_response)), response_(std::move(response)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(::listen(listener_, 8), 0);
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~RecordingProxy() {
    stopping_ = true;
    thread_.join();
    ::close(listener_);
  }

  std::string host_port() const { return "127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    while (!stopping_) {
      pollfd ready{listener_, POLLIN, 0};
      if (::poll(&ready, 1, 50) <= 0) continue;
      int connection = ::accept(listener_, nullptr, nullptr);
      if (connection < 0) continue;
      std::string request = read_request(connection);
      bool tunnel =
          request.starts_with("CONNECT ") && connect_response_.starts_with("HTTP/1.1 200");
      ::send(connection, connect_response_.data(), connect_response_.size(), MSG_NOSIGNAL);
      if (tunnel) {
        read_request(connection);  // the request through the tunnel, recorded
        ::send(connection, response_.data(), response_.size(), MSG_NOSIGNAL);
      }
      ::close(connection);
    }
  }

  // Reads one request (the head, then Content-Length bytes of body) and records it.
  std::string read_request(int connection) {
    std::string request;
    char buffer[4096];
    size_t head_end = std::string::npos;
    size_t wanted = 0;
    for (;;) {
      pollfd readable{connection, POLLIN, 0};
      if (::poll(&readable, 1, 2000) <= 0) break;
      ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      request.append(buffer, static_cast<size_t>(n));
      if (head_end == std::string::npos &&
          (head_end = request.find("\r\n\r\n")) != std::string::npos) {
        auto at = request.find("Content-Length: ");
        if (at != std::string::npos && at < head_end) wanted = std::stoul(request.substr(at + 16));
      }
      if (head_end != std::string::npos && request.size() >= head_end + 4 + wanted) break;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(request);
    return request;
  }

  std::string connect_response_;
  std::string response_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

// Sets an environment variable for the scope of a test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() { ::unsetenv(name_); }

 private:
  const char* name_;
};

HttpClientOptions through(const std::string& host_port, ProxyAuth auth = ProxyAuth::kNone,
                          std::string user = "", std::string password = "") {
  HttpClientOptions options;
  options.connect_timeout_ms = 5000;
  options.request_timeout_ms = 10000;
  options.proxy = HttpProxy{host_port, auth, std::move(user), Secret(std::move(password))};
  return options;
}

TEST(HttpClientProxy, LoopbackRequestsGoThroughTheProxyWhateverNoProxySays) {
  ScopedEnv no_proxy("no_proxy", "127.0.0.1,localhost");
  ScopedEnv no_proxy_upper("NO_PROXY", "127.0.0.1,localhost");
  RecordingProxy proxy(kTunnel);
  HttpClient client(through(proxy.host_port()));
  HttpRequest request = password_grant();
  request.url = "http://127.0.0.1:1/services/oauth2/token";  // nothing listens there
  auto response = client.send(request);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "ok");
  // Even an http:// URL goes through a CONNECT tunnel: the proxy never reads the request.
  ASSERT_EQ(proxy.requests().size(), 2u);
  EXPECT_THAT(proxy.requests()[0], ::testing::StartsWith("CONNECT 127.0.0.1:1 HTTP/1.1\r\n"));
  EXPECT_THAT(proxy.requests()[0], Not(HasSubstr("Proxy-Authorization")));
  EXPECT_THAT(proxy.requests()[0], Not(HasSubstr("password")));
  EXPECT_THAT(proxy.requests()[1],
              ::testing::StartsWith("POST /services/oauth2/token HTTP/1.1\r\n"));
  EXPECT_THAT(proxy.requests()[1], HasSubstr("&password=pa55word-xyzTOKEN123"));
}

TEST(HttpClientProxy, BasicAuthenticationSendsTheCredentialsToTheProxy) {
  RecordingProxy proxy(kTunnel);
  HttpClient client(through(proxy.host_port(), ProxyAuth::kBasic, "proxy-user", "proxy-pass"));
  HttpRequest request;
  request.url = "http://127.0.0.1:1/ping";
  auto response = client.send(request);
  ASSERT_TRUE(response.ok()) << response.error().message;
  ASSERT_EQ(proxy.requests().size(), 2u);
  EXPECT_THAT(proxy.requests()[0], ::testing::StartsWith("CONNECT 127.0.0.1:1 HTTP/1.1\r\n"));
  EXPECT_THAT(proxy.requests()[0],
              HasSubstr("Proxy-Authorization: Basic cHJveHktdXNlcjpwcm94eS1wYXNz\r\n"));
  EXPECT_THAT(proxy.requests()[1], Not(HasSubstr("Proxy-Authorization")))
      << "the proxy credentials stay with the proxy";
}

TEST(HttpClientProxy, ARefusedTunnelIsAClearErrorThatNeverShowsThePassword) {
  RecordingProxy proxy(k407);
  HttpClient client(through(proxy.host_port(), ProxyAuth::kBasic, "proxy-user", "wrong-s3cret"));
  HttpRequest request;
  request.url = "http://127.0.0.1:1/ping";
  auto response = client.send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(response.error().code, "HTTP_PROXY_AUTH");
  EXPECT_EQ(response.error().message,
            "GET http://127.0.0.1:1/ping (0 body bytes) failed: the proxy " + proxy.host_port() +
                " answered 407 Proxy Authentication Required to CONNECT (proxy authentication "
                "BASIC, user \"proxy-user\"); check the proxy user and password");

  // tinyproxy answers a wrong password with 401.
  RecordingProxy tinyproxy_like(k401);
  HttpClient other(
      through(tinyproxy_like.host_port(), ProxyAuth::kBasic, "proxy-user", "wrong-s3cret"));
  request.url = "https://127.0.0.1:1/ping";
  response = other.send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, "HTTP_PROXY_AUTH");
  EXPECT_THAT(response.error().message, HasSubstr("answered 401 Unauthorized to CONNECT"));
  EXPECT_THAT(response.error().message, Not(HasSubstr("wrong-s3cret")));
}

// NTLM is a challenge-response handshake that tinyproxy does not speak; this checks that libcurl
// was set up for it: its first CONNECT carries the NTLM negotiate message (type 1).
TEST(HttpClientProxy, NtlmStartsTheNtlmHandshake) {
  RecordingProxy proxy(k407);
  HttpClient client(through(proxy.host_port(), ProxyAuth::kNtlm,
                            HttpProxy::ntlm_user("CORP", "proxy-user"), "proxy-pass"));
  HttpRequest request;
  request.url = "https://127.0.0.1:1/ping";
  auto response = client.send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, "HTTP_PROXY_AUTH");
  EXPECT_THAT(response.error().message,
              HasSubstr("(proxy authentication NTLM, user \"CORP\\proxy-user\")"));
  ASSERT_GE(proxy.requests().size(), 1u);
  EXPECT_THAT(proxy.requests()[0], ::testing::StartsWith("CONNECT 127.0.0.1:1 HTTP/1.1\r\n"));
  // "TlRMTVNTUAAB" is base64 of "NTLMSSP\0" followed by message type 1.
  EXPECT_THAT(proxy.requests()[0], HasSubstr("Proxy-Authorization: NTLM TlRMTVNTUAAB"));
}

TEST(HttpClientProxy, AProxyThatIsDownIsATransportErrorNamingIt) {
  std::string closed_port;
  {
    RecordingProxy gone(kOk);
    closed_port = gone.host_port();
  }
  HttpClient client(through(closed_port));
  HttpRequest request;
  request.url = "http://127.0.0.1:1/ping";
  auto response = client.send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, "HTTP_TRANSPORT");
  EXPECT_THAT(response.error().message, HasSubstr("(through the proxy " + closed_port + ")"));
}

TEST(HttpClientProxy, AnEmptyProxyMeansDirectEvenWhenTheEnvironmentNamesOne) {
  RecordingProxy environment_proxy(kOk);
  ScopedEnv http_proxy("http_proxy", "http://" + environment_proxy.host_port());
  httplib::Server server;
  server.Get("/ping", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("direct", "text/plain");
  });
  int port = server.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::yield();

  Result<HttpResponse> response = Error::fatal("TEST", "not sent");
  {
    HttpClient client(through(""));  // gone before stop(), which waits for kept-alive connections
    HttpRequest request;
    request.url = "http://127.0.0.1:" + std::to_string(port) + "/ping";
    response = client.send(request);
  }
  server.stop();
  thread.join();
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->body, "direct");
  EXPECT_TRUE(environment_proxy.requests().empty());
}

TEST(HttpClientProxy, TheCurlLoggerSeesEachRequestRedacted) {
  RecordingProxy proxy(kTunnel);
  std::vector<std::string> logged;
  HttpClientOptions options = through(proxy.host_port(), ProxyAuth::kBasic, "pu", "proxy-s3cret");
  options.curl_logger = [&](const std::string& command) { logged.push_back(command); };
  HttpClient client(options);
  HttpRequest request = password_grant();
  request.url = "http://127.0.0.1:1/services/oauth2/token";
  ASSERT_TRUE(client.send(request).ok());
  ASSERT_TRUE(client.send(request).ok());
  ASSERT_EQ(logged.size(), 2u);
  EXPECT_EQ(logged[0], curl_command(request, options));
  EXPECT_THAT(logged[0], HasSubstr("--proxy-user 'pu:[hidden]'"));
}

// --- The Salesforce settings from the connector properties ------------------------------------

config::Properties connector_properties() {
  return {
      {"name", "sf-sink"},
      {"topics", "orders"},
      {"salesforce.platform.event.name", "Order__e"},
      {"salesforce.consumer.key", "KEY"},
      {"salesforce.consumer.secret", "consumer-s3cret"},
      {"salesforce.username", "user@example.com"},
      {"salesforce.password", "pa55word-xyz"},
  };
}

Result<config::ConnectorConfig> connector_with(
    const std::vector<std::pair<std::string, std::string>>& extra) {
  config::Properties properties = connector_properties();
  for (const auto& [key, value] : extra) properties[key] = value;
  return config::ConnectorConfig::from(properties);
}

TEST(SalesforceNetworkSettings, ProxyPropertiesBecomeTheClientsProxy) {
  auto config = connector_with({{"http.proxy", "proxy.corp:3128"},
                                {"http.proxy.auth.scheme", "ntlm"},
                                {"http.proxy.user", "pu"},
                                {"http.proxy.password", "pp"},
                                {"http.proxy.auth.ntlm.domain", "CORP"},
                                {"connection.timeout", "7000"},
                                {"curl.logging", "true"}});
  ASSERT_TRUE(config.ok()) << config.error().message;
  salesforce::ClientSettings settings = runtime::client_settings(*config);
  EXPECT_EQ(settings.proxy.host_port, "proxy.corp:3128");
  EXPECT_EQ(settings.proxy.auth, ProxyAuth::kNtlm);
  EXPECT_EQ(settings.proxy.user, "CORP\\pu");
  EXPECT_EQ(settings.proxy.password.reveal(), "pp");
  EXPECT_TRUE(settings.curl_logging);
  HttpClientOptions options = salesforce::http_options(settings);
  ASSERT_TRUE(options.proxy.has_value());
  EXPECT_EQ(options.proxy->url(), "http://proxy.corp:3128");
  EXPECT_EQ(options.connect_timeout_ms, 7000);
  EXPECT_EQ(options.request_timeout_ms, 120000);
  EXPECT_TRUE(static_cast<bool>(options.curl_logger));

  auto basic = connector_with({{"http.proxy", "proxy.corp:3128"},
                               {"http.proxy.auth.scheme", "BASIC"},
                               {"http.proxy.user", "pu"},
                               {"http.proxy.password", "pp"},
                               {"http.proxy.auth.ntlm.domain", "CORP"}});
  ASSERT_TRUE(basic.ok()) << basic.error().message;
  settings = runtime::client_settings(*basic);
  EXPECT_EQ(settings.proxy.auth, ProxyAuth::kBasic);
  EXPECT_EQ(settings.proxy.user, "pu") << "the NTLM domain is for NTLM only";

  // By default: no proxy (and none from the environment either), no curl logging.
  auto plain = connector_with({});
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  settings = runtime::client_settings(*plain);
  options = salesforce::http_options(settings);
  ASSERT_TRUE(options.proxy.has_value());
  EXPECT_EQ(options.proxy->host_port, "");
  EXPECT_EQ(options.connect_timeout_ms, 30000);
  EXPECT_FALSE(static_cast<bool>(options.curl_logger));
  EXPECT_EQ(options.ca_file, "");
}

TEST(SalesforceNetworkSettings, CurlLoggingWritesInfoLinesWithoutSecrets) {
  std::ostringstream stream;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream);
  sink->set_pattern("%l %v");
  auto logger = std::make_shared<spdlog::logger>("test", sink);
  salesforce::ClientSettings settings;
  settings.curl_logging = true;
  settings.proxy = HttpProxy{"proxy:3128", ProxyAuth::kBasic, "pu", Secret("proxy-s3cret")};
  HttpClientOptions options = salesforce::http_options(settings, logger);
  ASSERT_TRUE(static_cast<bool>(options.curl_logger));
  options.curl_logger(curl_command(password_grant(), options));
  logger->flush();
  EXPECT_THAT(stream.str(),
              ::testing::StartsWith("info curl.logging (secrets hidden): curl "
                                    "'https://login.salesforce.com/services/oauth2/token'"));
  for (const char* secret : {"s3cret", "pa55word", "TOKEN123"}) {
    EXPECT_THAT(stream.str(), Not(HasSubstr(secret)));
  }
}

TEST(SalesforceNetworkSettings, ABadProxyIsAConfigErrorNamingHttpProxy) {
  for (const char* bad : {"proxy.corp", "proxy.corp:", "proxy.corp:99999", "proxy corp:3128"}) {
    auto config = connector_with({{"http.proxy", bad}});
    ASSERT_FALSE(config.ok()) << bad;
    EXPECT_EQ(config.error().kind, ErrorKind::kFatal);
    EXPECT_THAT(config.error().message, HasSubstr("http.proxy")) << bad;
  }
  auto no_user =
      connector_with({{"http.proxy", "proxy:3128"}, {"http.proxy.auth.scheme", "BASIC"}});
  ASSERT_FALSE(no_user.ok());
  EXPECT_THAT(no_user.error().message, HasSubstr("http.proxy.user"));
  auto scheme =
      connector_with({{"http.proxy", "proxy:3128"}, {"http.proxy.auth.scheme", "DIGEST"}});
  ASSERT_FALSE(scheme.ok());
  EXPECT_THAT(scheme.error().message, HasSubstr("http.proxy.auth.scheme"));
}

// --- A private CA bundle (salesforce.ssl.ca.location) ---------------------------------------

using Certificates = sfpe::testing::TestCertificates;

// An https "Salesforce" answering the OAuth token endpoint and GET /ping.
class TlsSalesforce {
 public:
  explicit TlsSalesforce(const Certificates& certs)
      : tls_(certs, false, [this](httplib::SSLServer& server) {
          server.Post("/services/oauth2/token",
                      [this](const httplib::Request&, httplib::Response& res) {
                        res.set_content(R"({"access_token":"00Dxx!AQ4","instance_url":")" +
                                            url() +
                                            R"(","id":"https://login.salesforce.com/id/)"
                                            R"(00D000000000001/005000000000001"})",
                                        "application/json");
                      });
          server.Get("/ping", [](const httplib::Request&, httplib::Response& res) {
            res.set_content("pong", "text/plain");
          });
        }) {}

  std::string url() const { return tls_.url(); }

 private:
  sfpe::testing::TlsTestServer tls_;
};

class PrivateCaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { certs_ = new Certificates("http-tls"); }
  static void TearDownTestSuite() {
    delete certs_;
    certs_ = nullptr;
  }
  static Certificates* certs_;
};

Certificates* PrivateCaTest::certs_ = nullptr;

TEST_F(PrivateCaTest, HttpClientTrustsTheCaFileAndNothingElse) {
  TlsSalesforce server(*certs_);
  HttpRequest request;
  request.url = server.url() + "/ping";

  HttpClientOptions trusting;
  trusting.ca_file = certs_->path("ca.pem");
  auto response = HttpClient(trusting).send(request);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->body, "pong");

  auto refused = HttpClient().send(request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "HTTP_TRANSPORT");
  EXPECT_THAT(refused.error().message, HasSubstr("certificate"));
}

TEST_F(PrivateCaTest, TheLoginTrustsTheCaOnlyThroughSalesforceSslCaLocation) {
  TlsSalesforce server(*certs_);
  SystemClock clock;
  SystemRandom random;
  auto trusting = connector_with({{"salesforce.instance", server.url()},
                                  {"salesforce.ssl.ca.location", certs_->path("ca.pem")}});
  ASSERT_TRUE(trusting.ok()) << trusting.error().message;
  salesforce::TokenProvider tokens(runtime::client_settings(*trusting), clock, random);
  auto session = tokens.session();
  ASSERT_TRUE(session.ok()) << session.error().message;
  EXPECT_EQ(session->instance_url, server.url());

  auto untrusting = connector_with(
      {{"salesforce.instance", server.url()}, {"salesforce.auth.retries.time.ms", "0"}});
  ASSERT_TRUE(untrusting.ok()) << untrusting.error().message;
  salesforce::TokenProvider refused(runtime::client_settings(*untrusting), clock, random);
  auto failed = refused.session();
  ASSERT_FALSE(failed.ok());
  EXPECT_THAT(failed.error().message, HasSubstr("certificate"));
}

TEST_F(PrivateCaTest, AnUnreadableOrEmptyBundleIsAConfigErrorNamingTheProperty) {
  auto missing = connector_with({{"salesforce.ssl.ca.location", "/nonexistent/ca.pem"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message, HasSubstr("salesforce.ssl.ca.location"));
  EXPECT_THAT(missing.error().message, HasSubstr("cannot be read"));
  auto not_pem = connector_with({{"salesforce.ssl.ca.location", certs_->path("not-a-ca.pem")}});
  ASSERT_FALSE(not_pem.ok());
  EXPECT_THAT(not_pem.error().message, HasSubstr("holds no PEM certificate"));
}

// Issue 12 item 14: the trust store is read once at start-up; a file that cannot be read, or whose
// certificate block OpenSSL cannot parse, is an error naming the property.
TEST_F(PrivateCaTest, CaCertificatesAreReadOrTheReasonIsNamed) {
  auto good = read_ca_certificates(certs_->path("ca.pem"), "salesforce.ssl.ca.location");
  ASSERT_TRUE(good.ok()) << good.error().message;
  EXPECT_THAT(*good, HasSubstr("-----BEGIN CERTIFICATE-----"));

  auto missing = read_ca_certificates("/nonexistent/ca.pem", "salesforce.ssl.ca.location");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "CONFIG_INVALID");
  EXPECT_EQ(missing.error().message, "salesforce.ssl.ca.location: cannot read /nonexistent/ca.pem");

  // A directory opens as a stream but throws on the first read.
  auto directory = read_ca_certificates("/tmp", "salesforce.ssl.ca.location");
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.error().message, "salesforce.ssl.ca.location: cannot read /tmp");

  const std::string damaged = certs_->path("damaged-ca.pem");
  std::ofstream(damaged) << "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n"
                            "-----END CERTIFICATE-----\n";
  auto unreadable = read_ca_certificates(damaged, "salesforce.ssl.ca.location");
  ASSERT_FALSE(unreadable.ok());
  EXPECT_EQ(unreadable.error().message,
            "salesforce.ssl.ca.location: " + damaged +
                " holds no PEM certificate that OpenSSL can read");
}

}  // namespace
}  // namespace sfpe
