// The Schema Registry client over TLS: a trust bundle from a PEM file or a PKCS#12 truststore,
// and client certificates (mutual TLS) from a PKCS#12 or PEM keystore, against real TLS servers
// (cpp-httplib's SSLServer; Debian's pkg-config for it enables its OpenSSL support) with
// certificates made by the openssl command line.
#include <httplib.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "convert/error_codes.h"
#include "convert/schema_registry_client.h"
#include "lib/test_certificates.h"

namespace sfpe::convert {
namespace {


using Certificates = sfpe::testing::TestCertificates;

// An https registry answering GET /schemas/ids/1; with `require_client_certificate` it demands
// a client certificate signed by the test CA.
class TlsRegistry {
 public:
  TlsRegistry(const Certificates& certs, bool require_client_certificate)
      : tls_(certs, require_client_certificate, [](httplib::SSLServer& server) {
          server.Get("/schemas/ids/1", [](const httplib::Request&, httplib::Response& res) {
            res.set_content(R"({"schema":"\"string\""})",
                            "application/vnd.schemaregistry.v1+json");
          });
        }) {}

  std::string url() const { return tls_.url(); }

 private:
  sfpe::testing::TlsTestServer tls_;
};

class RegistryTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { certs_ = new Certificates("registry-tls"); }
  static void TearDownTestSuite() {
    delete certs_;
    certs_ = nullptr;
  }

  static Result<std::shared_ptr<const RegisteredSchema>> fetch(
      std::map<std::string, std::string> settings) {
    auto client = SchemaRegistryClient::create(settings);
    if (!client.ok()) return client.error();
    return (*client)->schema_by_id(1);
  }

  static Certificates* certs_;
};

Certificates* RegistryTlsTest::certs_ = nullptr;

TEST_F(RegistryTlsTest, PemTruststoreTrustsThePrivateCa) {
  TlsRegistry registry(*certs_, false);
  auto schema = fetch({{"schema.registry.url", registry.url()},
                       {"schema.registry.ssl.truststore.location", certs_->path("ca.pem")}});
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  EXPECT_EQ((*schema)->schema, "\"string\"");
}

TEST_F(RegistryTlsTest, WithoutTheCaTheCertificateIsRefused) {
  TlsRegistry registry(*certs_, false);
  auto schema = fetch({{"schema.registry.url", registry.url()}});
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(schema.error().code, kCodeRegistryUnavailable);
  EXPECT_NE(schema.error().message.find("certificate"), std::string::npos)
      << schema.error().message;
}

TEST_F(RegistryTlsTest, Pkcs12TruststoreAndKeystoreForMutualTls) {
  TlsRegistry registry(*certs_, true);
  auto schema = fetch({{"schema.registry.url", registry.url()},
                       {"schema.registry.ssl.truststore.location", certs_->path("trust.p12")},
                       {"schema.registry.ssl.truststore.password", "trust-pass"},
                       {"schema.registry.ssl.truststore.type", "PKCS12"},
                       {"schema.registry.ssl.keystore.location", certs_->path("client.p12")},
                       {"schema.registry.ssl.keystore.password", "key-pass"}});
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  EXPECT_EQ((*schema)->schema, "\"string\"");
}

TEST_F(RegistryTlsTest, PemKeystoreForMutualTls) {
  TlsRegistry registry(*certs_, true);
  auto schema = fetch({{"schema.registry.url", registry.url()},
                       {"schema.registry.ssl.truststore.location", certs_->path("ca.pem")},
                       {"schema.registry.ssl.keystore.location", certs_->path("client-bundle.pem")},
                       {"schema.registry.ssl.keystore.type", "PEM"}});
  ASSERT_TRUE(schema.ok()) << schema.error().message;
}

TEST_F(RegistryTlsTest, MutualTlsWithoutAClientCertificateFails) {
  TlsRegistry registry(*certs_, true);
  auto schema = fetch({{"schema.registry.url", registry.url()},
                       {"schema.registry.ssl.truststore.location", certs_->path("ca.pem")}});
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.error().code, kCodeRegistryUnavailable);
}

TEST_F(RegistryTlsTest, WrongStorePasswordsAreStartUpErrorsThatNeverShowThePassword) {
  auto trust = SchemaRegistryConfig::from_settings(
      {{"schema.registry.url", "https://sr:8081"},
       {"schema.registry.ssl.truststore.location", certs_->path("trust.p12")},
       {"schema.registry.ssl.truststore.password", "wrong-trust-secret"}});
  ASSERT_FALSE(trust.ok());
  EXPECT_EQ(trust.error().kind, ErrorKind::kFatal);
  EXPECT_EQ(trust.error().code, kCodeConfigInvalid);
  EXPECT_EQ(trust.error().message.rfind("schema.registry.ssl.truststore.location: cannot open the "
                                        "PKCS#12 keystore " +
                                            certs_->path("trust.p12") +
                                            ": wrong password or damaged file",
                                        0),
            0u)
      << trust.error().message;
  EXPECT_EQ(trust.error().message.find("wrong-trust-secret"), std::string::npos);

  auto key = SchemaRegistryConfig::from_settings(
      {{"schema.registry.url", "https://sr:8081"},
       {"schema.registry.ssl.keystore.location", certs_->path("client.p12")},
       {"schema.registry.ssl.keystore.password", "wrong-key-secret"}});
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().message.rfind("schema.registry.ssl.keystore.location: cannot open the "
                                      "PKCS#12 keystore",
                                      0),
            0u)
      << key.error().message;
  EXPECT_EQ(key.error().message.find("wrong-key-secret"), std::string::npos);
}

TEST_F(RegistryTlsTest, KeystoreWithoutAPrivateKeyIsRefused) {
  auto config = SchemaRegistryConfig::from_settings(
      {{"schema.registry.url", "https://sr:8081"},
       {"schema.registry.ssl.keystore.location", certs_->path("trust.p12")},
       {"schema.registry.ssl.keystore.password", "trust-pass"}});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message,
            "schema.registry.ssl.keystore.location: the PKCS#12 keystore " +
                certs_->path("trust.p12") + " holds no private key with its certificate");
}

TEST_F(RegistryTlsTest, JksAndUnknownStoreTypesAreRefusedWithAWayOut) {
  auto jks = SchemaRegistryConfig::from_settings(
      {{"schema.registry.url", "https://sr:8081"},
       {"schema.registry.ssl.truststore.location", certs_->path("store.jks")}});
  ASSERT_FALSE(jks.ok());
  EXPECT_EQ(jks.error().message,
            "schema.registry.ssl.truststore.location: " + certs_->path("store.jks") +
                " is a JKS store, which only Java reads; convert it with keytool "
                "-importkeystore -srckeystore " +
                certs_->path("store.jks") +
                " -destkeystore store.p12 -deststoretype PKCS12, or use a PEM file");

  auto unknown = SchemaRegistryConfig::from_settings(
      {{"schema.registry.url", "https://sr:8081"},
       {"schema.registry.ssl.truststore.location", certs_->path("ca.pem")},
       {"schema.registry.ssl.truststore.type", "BCFKS"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message,
            "schema.registry.ssl.truststore.type: unsupported store type \"BCFKS\" (supported: "
            "PEM, PKCS12)");

  auto missing = SchemaRegistryConfig::from_settings(
      {{"schema.registry.url", "https://sr:8081"},
       {"schema.registry.ssl.truststore.location", "/nonexistent/ca.pem"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message,
            "schema.registry.ssl.truststore.location: cannot read /nonexistent/ca.pem");
}

}  // namespace
}  // namespace sfpe::convert
