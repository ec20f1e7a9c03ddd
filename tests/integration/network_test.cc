// The network side against real programs: the real sfpe-sink binary publishes to the Salesforce
// emulator through a real forward proxy (Debian's tinyproxy, started by each test on a free port
// with a configuration file of its own), without and with BASIC proxy authentication, and with
// curl.logging on. NTLM cannot be tested here (tinyproxy does not speak it); the unit tests
// check that libcurl starts the NTLM handshake (tests/unit/common/http_client_test.cc).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "salesforce_emulator/emulator.h"
#include "scenario.h"

namespace sfpe::itest {
namespace {

using namespace std::chrono_literals;

// A port nobody listens on right now (the kernel's pick for an ephemeral bind).
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

bool accepts_connections(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

// tinyproxy in the foreground (-d) on 127.0.0.1, logging every request to a file in `dir`;
// with a user, it demands BASIC proxy authentication.
class TinyProxy {
 public:
  TinyProxy(const std::filesystem::path& dir, const std::string& user = "",
            const std::string& password = "")
      : port_(free_port()), log_path_(dir / fmt::format("tinyproxy-{}.log", port_)) {
    auto config = dir / fmt::format("tinyproxy-{}.conf", port_);
    std::ofstream out(config);
    out << "Port " << port_ << "\n"
        << "Listen 127.0.0.1\n"
        << "Timeout 60\n"
        << "MaxClients 20\n"
        << "Allow 127.0.0.1\n"
        << "LogLevel Info\n"
        << "LogFile \"" << log_path_.string() << "\"\n";
    // No ConnectPort line: CONNECT may reach any port (the emulator's is ephemeral).
    if (!user.empty()) out << "BasicAuth " << user << " " << password << "\n";
    out.close();
    auto process = testing::ChildProcess::spawn({"tinyproxy", "-d", "-c", config.string()});
    if (!process.ok()) {
      ADD_FAILURE() << "cannot start tinyproxy (scripts/setup.sh installs it): "
                    << process.error().message;
      return;
    }
    process_ = std::move(process.value());
    EXPECT_TRUE(testing::eventually([&] { return accepts_connections(port_); }, 10s, 50ms))
        << "tinyproxy did not listen: " << process_->stderr_text() << process_->stdout_text();
  }
  ~TinyProxy() {
    if (process_) process_->terminate(5s);
  }

  std::string host_port() const { return fmt::format("127.0.0.1:{}", port_); }
  std::string log() const {
    std::ifstream in(log_path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  int port_;
  std::filesystem::path log_path_;
  std::unique_ptr<testing::ChildProcess> process_;
};

// "127.0.0.1:PORT" of an "http://127.0.0.1:PORT" URL.
std::string authority(const std::string& url) { return url.substr(url.find("://") + 3); }

// Produces `count` records, runs the sink with `overrides` until they reached the emulator, and
// stops it cleanly; returns its log.
std::string publish_through(Scenario& s, int count,
                            const std::map<std::string, std::string>& overrides) {
  int32_t schema_id = s.register_schema();
  s.produce(records_for(1, count), schema_id);
  auto sink = s.start_sink(s.write_worker(), s.write_connector(overrides));
  EXPECT_TRUE(s.wait_for_events(static_cast<size_t>(count), 60s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  EXPECT_EQ(sink->wait(30s), 0) << sink->stderr_text();
  EXPECT_EQ(s.event_fields().size(), static_cast<size_t>(count));
  return sink->stderr_text() + sink->stdout_text();
}

TEST(NetworkTest, EventsReachSalesforceThroughTheProxyAndCurlLoggingHidesEverySecret) {
  Scenario s(1);
  TinyProxy proxy(s.dir());
  std::string log =
      publish_through(s, 5, {{"http.proxy", proxy.host_port()}, {"curl.logging", "true"}});

  // Every Salesforce request went through the proxy: the token, the version, the describe and
  // the publish, each in a CONNECT tunnel to the emulator.
  const std::string connect = "CONNECT " + authority(s.salesforce_url()) + " HTTP/1.1";
  EXPECT_NE(proxy.log().find(connect), std::string::npos) << proxy.log();
  EXPECT_GE(s.stats()["requests"].value("token", 0), 1);

  // curl.logging shows each request as a curl command, through the proxy, secrets hidden.
  EXPECT_NE(log.find("curl.logging (secrets hidden): curl '" + s.salesforce_url() +
                     "/services/oauth2/token'"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("composite/sobjects' -H 'Authorization: Bearer [hidden]'"), std::string::npos)
      << log;
  EXPECT_NE(log.find("--proxy 'http://" + proxy.host_port() + "' --noproxy '' --proxytunnel"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("client_secret=[hidden]"), std::string::npos) << log;
  EXPECT_NE(log.find("password=[hidden]"), std::string::npos) << log;
  const testing::EmulatorConfig creds;
  for (const std::string& secret :
       {creds.consumer_secret, creds.password, creds.security_token, creds.org_id + "!"}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret << " leaked:\n" << log;
  }
}

TEST(NetworkTest, EventsReachSalesforceThroughAProxyWithBasicAuthentication) {
  Scenario s(1);
  TinyProxy proxy(s.dir(), "proxy-user", "proxy-Pa55");
  std::string log = publish_through(s, 3,
                                    {{"http.proxy", proxy.host_port()},
                                     {"http.proxy.auth.scheme", "BASIC"},
                                     {"http.proxy.user", "proxy-user"},
                                     {"http.proxy.password", "proxy-Pa55"}});
  EXPECT_NE(proxy.log().find("CONNECT " + authority(s.salesforce_url()) + " HTTP/1.1"),
            std::string::npos)
      << proxy.log();
  EXPECT_EQ(log.find("proxy-Pa55"), std::string::npos) << "the proxy password leaked:\n" << log;
}

TEST(NetworkTest, RefusedProxyCredentialsStopTheSinkAtStartUpWithoutThePassword) {
  Scenario s(1);
  TinyProxy proxy(s.dir(), "proxy-user", "proxy-Pa55");
  const std::map<std::string, std::string> base = {{"http.proxy", proxy.host_port()},
                                                   {"salesforce.auth.retries.time.ms", "1000"}};

  // A wrong password: tinyproxy answers CONNECT with 401.
  auto wrong = base;
  wrong.insert({{"http.proxy.auth.scheme", "BASIC"},
                {"http.proxy.user", "proxy-user"},
                {"http.proxy.password", "Wr0ngProxyPa55"}});
  auto sink = s.start_sink(s.write_worker(), s.write_connector(wrong));
  auto code = sink->wait(60s);
  ASSERT_TRUE(code.has_value()) << "the sink kept running";
  EXPECT_NE(*code, 0);
  std::string log = sink->stderr_text() + sink->stdout_text();
  EXPECT_NE(log.find("the proxy " + proxy.host_port() +
                     " answered 401 Unauthorized to CONNECT (proxy authentication BASIC, user "
                     "\"proxy-user\"); check the proxy user and password"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("Wr0ngProxyPa55"), std::string::npos) << "the password leaked:\n" << log;

  // No credentials at all: 407.
  sink = s.start_sink(s.write_worker(), s.write_connector(base));
  code = sink->wait(60s);
  ASSERT_TRUE(code.has_value()) << "the sink kept running";
  EXPECT_NE(*code, 0);
  log = sink->stderr_text() + sink->stdout_text();
  EXPECT_NE(log.find("answered 407 Proxy Authentication Required to CONNECT (proxy "
                     "authentication NONE)"),
            std::string::npos)
      << log;
  EXPECT_EQ(s.stats()["requests"].value("token", 0), 0) << "nothing reached Salesforce";
}

TEST(NetworkTest, WithTheProxyDownNothingReachesSalesforce) {
  Scenario s(1);
  std::string gone;
  {
    TinyProxy proxy(s.dir());
    gone = proxy.host_port();
  }
  auto sink = s.start_sink(
      s.write_worker(),
      s.write_connector({{"http.proxy", gone}, {"salesforce.auth.retries.time.ms", "1000"}}));
  auto code = sink->wait(60s);
  ASSERT_TRUE(code.has_value()) << "the sink kept running";
  EXPECT_NE(*code, 0);
  std::string log = sink->stderr_text() + sink->stdout_text();
  EXPECT_NE(log.find("(through the proxy " + gone + ")"), std::string::npos) << log;
  EXPECT_EQ(s.stats()["requests"].value("token", 0), 0);
}

// Issue 12 item 14: a trust store OpenSSL cannot read stops the start (exit 1) before any login,
// even where this run would not have used it (the emulator speaks http:// on loopback): it is
// never replaced by the system store.
TEST(NetworkTest, ACaFileWithADamagedCertificateStopsTheStartBeforeAnyLogin) {
  Scenario s(1);
  const std::string ca = (s.dir() / "damaged-ca.pem").string();
  std::ofstream(ca) << "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n"
                       "-----END CERTIFICATE-----\n";
  auto sink = s.start_sink(s.write_worker(),
                           s.write_connector({{"salesforce.ssl.ca.location", ca}}));
  auto code = sink->wait(60s);
  ASSERT_TRUE(code.has_value()) << "the sink kept running";
  EXPECT_EQ(*code, 2);  // a configuration error found at start-up
  std::string log = sink->stderr_text() + sink->stdout_text();
  EXPECT_NE(log.find("salesforce.ssl.ca.location: " + ca +
                     " holds no PEM certificate that OpenSSL can read"),
            std::string::npos)
      << log;
  EXPECT_EQ(s.stats()["requests"].value("token", 0), 0);
}

// A cleartext Salesforce URL off this machine is a configuration error (exit 2) naming the
// property, before anything is sent.
TEST(NetworkTest, CleartextInstanceOffThisMachineIsABadConfiguration) {
  Scenario s(1);
  auto sink = s.start_sink(s.write_worker(),
                           s.write_connector({{"salesforce.instance", "http://192.0.2.1:9"}}));
  auto code = sink->wait(60s);
  ASSERT_TRUE(code.has_value()) << "the sink kept running";
  EXPECT_EQ(*code, 2);
  std::string log = sink->stderr_text() + sink->stdout_text();
  EXPECT_NE(log.find("salesforce.instance: \"http://192.0.2.1:9\" uses http://"),
            std::string::npos)
      << log;
}

}  // namespace
}  // namespace sfpe::itest
