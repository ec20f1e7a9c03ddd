// Runs `openssl` once per file, through ChildProcess (no shell, so paths need no quoting).
#include "lib/test_keystores.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "lib/process.h"

namespace sfpe::testing {
namespace {

Status run_openssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto child = ChildProcess::spawn(argv);
  if (!child.ok()) return child.error();
  std::optional<int> code = (*child)->wait(std::chrono::seconds(60));
  if (code != 0) {
    return Error::fatal(
        "OPENSSL", fmt::format("openssl {} failed: {}", args.front(), (*child)->stderr_text()));
  }
  return ok_status();
}

}  // namespace

Result<TestKeystores> make_test_keystores(const std::filesystem::path& dir,
                                          const std::string& password,
                                          const std::string& common_name) {
  // One directory per process: ctest runs each test case as a process of its own, in parallel,
  // and two of them must never rewrite each other's keys.
  const std::filesystem::path own = dir / ("pid-" + std::to_string(::getpid()));
  std::filesystem::create_directories(own);
  auto file = [&](const char* name) { return (own / name).string(); };
  TestKeystores k;
  k.password = password;
  k.certificate_path = file("certificate.pem");
  k.pkcs12_path = file("keystore.p12");
  k.pkcs12_no_key_path = file("certificates-only.p12");
  k.pkcs12_legacy_path = file("keystore-legacy.p12");
  k.pkcs8_pem_path = file("key-pkcs8.pem");
  k.pkcs8_encrypted_path = file("key-pkcs8-encrypted.pem");
  k.traditional_pem_path = file("key-rsa.pem");
  k.traditional_encrypted_path = file("key-rsa-encrypted.pem");
  const std::string pass = "pass:" + password;
  const std::vector<std::vector<std::string>> commands = {
      {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", k.pkcs8_pem_path, "-out",
       k.certificate_path, "-days", "30", "-subj", "/CN=" + common_name},
      {"pkcs12", "-export", "-inkey", k.pkcs8_pem_path, "-in", k.certificate_path, "-name", "jwt",
       "-out", k.pkcs12_path, "-passout", pass},
      {"pkcs12", "-export", "-nokeys", "-in", k.certificate_path, "-out", k.pkcs12_no_key_path,
       "-passout", pass},
      {"pkcs12", "-export", "-legacy", "-inkey", k.pkcs8_pem_path, "-in", k.certificate_path,
       "-name", "jwt", "-out", k.pkcs12_legacy_path, "-passout", pass},
      {"pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", k.pkcs8_pem_path, "-out",
       k.pkcs8_encrypted_path, "-passout", pass},
      {"rsa", "-traditional", "-in", k.pkcs8_pem_path, "-out", k.traditional_pem_path},
      {"rsa", "-traditional", "-aes256", "-in", k.pkcs8_pem_path, "-out",
       k.traditional_encrypted_path, "-passout", pass},
  };
  for (const auto& command : commands) {
    if (Status status = run_openssl(command); !status.ok()) return status.error();
  }
  std::ifstream certificate(k.certificate_path);
  std::stringstream text;
  text << certificate.rdbuf();
  k.certificate_pem = text.str();
  return k;
}

}  // namespace sfpe::testing
