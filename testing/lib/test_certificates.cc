// TestCertificates: openssl req / x509 / pkcs12 in a scratch directory.
#include "lib/test_certificates.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace sfpe::testing {

TestCertificates::TestCertificates(const std::string& name) {
  dir_ = std::filesystem::temp_directory_path() /
         ("sfpe-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / "server.ext") << "subjectAltName=IP:127.0.0.1\n";
  run("openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 "
      "-subj /CN=sfpe-test-ca");
  for (std::string who : {"server", "client"}) {
    run("openssl req -newkey rsa:2048 -nodes -keyout " + who + ".key -out " + who +
        ".csr -subj /CN=" + (who == "server" ? "127.0.0.1" : "client"));
    run("openssl x509 -req -in " + who + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 " +
        "-out " + who + ".pem" + (who == "server" ? " -extfile server.ext" : ""));
  }
  run("openssl pkcs12 -export -nokeys -in ca.pem -out trust.p12 -passout pass:trust-pass");
  run("openssl pkcs12 -export -in client.pem -inkey client.key -out client.p12 "
      "-passout pass:key-pass");
  std::ofstream(dir_ / "client-bundle.pem")
      << std::ifstream(dir_ / "client.pem").rdbuf() << std::ifstream(dir_ / "client.key").rdbuf();
  std::ofstream(dir_ / "store.jks") << "not really";
  std::ofstream(dir_ / "not-a-ca.pem") << "hello\n";
}

TestCertificates::~TestCertificates() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void TestCertificates::run(const std::string& command) const {
  std::string line = "cd '" + dir_.string() + "' && " + command + " > /dev/null 2>&1";
  if (std::system(line.c_str()) != 0) throw std::runtime_error("failed: " + line);
}

TlsTestServer::TlsTestServer(const TestCertificates& certs, bool require_client_certificate,
                             const std::function<void(httplib::SSLServer&)>& routes)
    : server_(certs.path("server.pem").c_str(), certs.path("server.key").c_str(),
              require_client_certificate ? certs.path("ca.pem").c_str() : nullptr) {
  routes(server_);
  port_ = server_.bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // stop() is a no-op until the accept loop runs, so wait for it before anything can stop it.
  while (!server_.is_running()) std::this_thread::yield();
}

TlsTestServer::~TlsTestServer() {
  server_.stop();
  thread_.join();
}

}  // namespace sfpe::testing
