// The JWT bearer and client credentials grants (salesforce-api.md §4.2, §4.3): the assertion's
// header, claims and signature; exp from the injected clock; TokenProvider's token request for
// each grant, against a capturing server and against the emulator.
#include "salesforce/jwt_bearer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/base64.h"
#include "fakes.h"
#include "lib/eventually.h"
#include "lib/test_keystores.h"
#include "salesforce/auth.h"
#include "salesforce_emulator/emulator.h"

namespace sfpe::salesforce {
namespace {

using nlohmann::json;
using test::CapturedLog;
using test::FakeClock;
using test::FakeRandom;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kPassword = "keystore-secret-42";

// One RSA key and certificate for the whole file (openssl takes a moment).
const sfpe::testing::TestKeystores& keystores() {
  static const sfpe::testing::TestKeystores made = [] {
    auto dir = std::filesystem::path(SFPE_BINARY_DIR) / "test-keys" / "jwt_bearer_test";
    auto result = sfpe::testing::make_test_keystores(dir, kPassword, "jwt bearer test");
    if (!result.ok()) throw std::runtime_error(result.error().message);
    return result.value();
  }();
  return made;
}

PrivateKey test_key() {
  auto key = load_private_key(keystores().pkcs12_path, Secret(kPassword), "test");
  if (!key.ok()) throw std::runtime_error(key.error().message);
  return key.value();
}

// The three segments of a compact JWS.
struct Parts {
  json header;
  json claims;
  std::string signing_input;
  std::string signature;
};

Parts split(const std::string& jwt) {
  auto first = jwt.find('.');
  auto second = jwt.find('.', first + 1);
  EXPECT_NE(second, std::string::npos);
  EXPECT_EQ(jwt.find('.', second + 1), std::string::npos);
  Parts parts;
  parts.header = json::parse(base64url_decode(jwt.substr(0, first)).value());
  parts.claims = json::parse(base64url_decode(jwt.substr(first + 1, second - first - 1)).value());
  parts.signing_input = jwt.substr(0, second);
  parts.signature = base64url_decode(jwt.substr(second + 1)).value();
  return parts;
}

bool verifies_with_certificate(const Parts& parts, const std::string& certificate_pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size())), BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> certificate(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  if (!certificate) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  EVP_MD_CTX_free);
  return EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr,
                              X509_get0_pubkey(certificate.get())) == 1 &&
         EVP_DigestVerify(context.get(),
                          reinterpret_cast<const unsigned char*>(parts.signature.data()),
                          parts.signature.size(),
                          reinterpret_cast<const unsigned char*>(parts.signing_input.data()),
                          parts.signing_input.size()) == 1;
}

std::chrono::system_clock::time_point at_seconds(int64_t seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

// --- The assertion -------------------------------------------------------------------------

TEST(JwtAssertionTest, ClaimsExpireThreeMinutesAfterNow) {
  JwtClaims claims = jwt_claims("key-1", "user@example.com", "https://login.salesforce.com/",
                                at_seconds(1700000000));
  EXPECT_EQ(claims.issuer, "key-1");
  EXPECT_EQ(claims.subject, "user@example.com");
  EXPECT_EQ(claims.audience, "https://login.salesforce.com");
  EXPECT_EQ(claims.expires_at, 1700000000 + 180);
}

// §4.2: Salesforce accepts only its authorization server as aud, whichever host the assertion is
// posted to; a My Domain aud is refused with "audience is invalid".
TEST(JwtAssertionTest, AudienceIsTheAuthorizationServerNotTheHostPostedTo) {
  const std::string production = "https://login.salesforce.com";
  const std::string sandbox = "https://test.salesforce.com";
  EXPECT_EQ(jwt_audience("https://login.salesforce.com"), production);
  EXPECT_EQ(jwt_audience("https://login.salesforce.com/"), production);
  EXPECT_EQ(jwt_audience("https://acme.my.salesforce.com"), production);
  EXPECT_EQ(jwt_audience("https://ACME.My.Salesforce.com/"), production);
  EXPECT_EQ(jwt_audience("https://test.salesforce.com/"), sandbox);
  EXPECT_EQ(jwt_audience("https://acme--uat.sandbox.my.salesforce.com"), sandbox);
  EXPECT_EQ(jwt_audience("https://ACME--UAT.SANDBOX.MY.SALESFORCE.COM:443/"), sandbox);
  // An Experience Cloud site is its own authorization server: aud is the site URL.
  EXPECT_EQ(jwt_audience("https://acme.my.site.com/partners/"),
            "https://acme.my.site.com/partners");
  // The emulator on loopback stands for a production org.
  EXPECT_EQ(jwt_audience("http://127.0.0.1:8443"), production);
  // salesforce.jwt.audience, when set, is taken as it is (without a trailing slash).
  EXPECT_EQ(jwt_audience("https://acme.my.salesforce.com", "https://portal.acme.com/s/"),
            "https://portal.acme.com/s");
}

TEST(JwtAssertionTest, HeaderClaimsAndSignatureVerifyWithTheCertificate) {
  JwtClaims claims{"consumer-key", "sink@example.com", "https://login.salesforce.com", 1700000180};
  auto assertion = sign_jwt_assertion(claims, test_key().get());
  ASSERT_TRUE(assertion.ok()) << assertion.error().message;
  EXPECT_EQ(assertion->find('='), std::string::npos) << "base64url without padding";
  Parts parts = split(*assertion);
  EXPECT_EQ(parts.header, json({{"alg", "RS256"}}));
  EXPECT_EQ(parts.claims, json({{"iss", "consumer-key"},
                                {"sub", "sink@example.com"},
                                {"aud", "https://login.salesforce.com"},
                                {"exp", 1700000180}}));
  EXPECT_EQ(parts.signature.size(), 256u) << "RSA-2048";
  EXPECT_TRUE(verifies_with_certificate(parts, keystores().certificate_pem));

  Parts tampered = parts;
  tampered.signing_input[tampered.signing_input.size() - 1] ^= 1;
  EXPECT_FALSE(verifies_with_certificate(tampered, keystores().certificate_pem));
}

TEST(JwtAssertionTest, NonRsaKeyIsRefused) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> ec(EVP_EC_gen("P-256"), EVP_PKEY_free);
  ASSERT_TRUE(ec);
  auto assertion =
      sign_jwt_assertion(JwtClaims{"k", "u", "https://login.salesforce.com", 1}, ec.get());
  ASSERT_FALSE(assertion.ok());
  EXPECT_EQ(assertion.error().kind, ErrorKind::kFatal);
  EXPECT_THAT(assertion.error().message, HasSubstr("RSA"));
  EXPECT_THAT(assertion.error().message, HasSubstr("salesforce.jwt.keystore.path"));
}

// --- TokenProvider's token requests --------------------------------------------------------

// A token endpoint that records every form it receives and answers a session.
class CapturingTokenServer {
 public:
  CapturingTokenServer() {
    server_.Post("/services/oauth2/token", [this](const httplib::Request& request,
                                                  httplib::Response& response) {
      std::lock_guard<std::mutex> lock(mutex_);
      std::map<std::string, std::string> form;
      for (const auto& [name, value] : request.params) form[name] = value;
      forms_.push_back(form);
      response.set_content(json{{"access_token", "00Dxx!token"},
                                {"instance_url", url()},
                                {"id", url() + "/id/00Dxx0000001gPFEAY/005xx000001X8UzAAK"},
                                {"token_type", "Bearer"}}
                               .dump(),
                           "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() before the listen loop runs would be lost, and the join below would hang.
    EXPECT_TRUE(sfpe::testing::eventually([this] { return server_.is_running(); },
                                          std::chrono::seconds(30), std::chrono::milliseconds(1)))
        << "the token server did not start listening";
  }
  ~CapturingTokenServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::map<std::string, std::string>> forms() {
    std::lock_guard<std::mutex> lock(mutex_);
    return forms_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::map<std::string, std::string>> forms_;
};

class GrantTest : public ::testing::Test {
 protected:
  ClientSettings settings(OAuthGrant grant, const std::string& url) const {
    ClientSettings s;
    s.login_url = url;
    s.grant = grant;
    s.consumer_key = "test-consumer-key";
    s.consumer_secret = Secret("test-consumer-secret");
    s.username = "sink@example.com";
    s.jwt_keystore_path = keystores().pkcs12_path;
    s.jwt_keystore_password = Secret(kPassword);
    s.connect_timeout_ms = 5000;
    s.request_timeout_ms = 10000;
    return s;
  }
  std::unique_ptr<TokenProvider> provider(ClientSettings s) {
    return std::make_unique<TokenProvider>(std::move(s), clock_, random_, nullptr, log_.logger());
  }

  FakeClock clock_;
  FakeRandom random_;
  CapturedLog log_;
};

TEST_F(GrantTest, JwtBearerPostsASignedAssertionWhoseExpComesFromTheInjectedClock) {
  CapturingTokenServer server;
  auto tokens = provider(settings(OAuthGrant::kJwtBearer, server.url() + "/"));
  ASSERT_TRUE(tokens->session().ok());
  clock_.sleep_for(std::chrono::minutes(10));
  ASSERT_TRUE(tokens->refresh(Secret("00Dxx!token")).ok());

  auto forms = server.forms();
  ASSERT_EQ(forms.size(), 2u);
  const int64_t start = FakeClock::kWallStart.count();
  for (size_t i = 0; i < forms.size(); ++i) {
    auto& form = forms[i];
    EXPECT_EQ(form["grant_type"], "urn:ietf:params:oauth:grant-type:jwt-bearer");
    EXPECT_EQ(form.count("client_secret"), 0u) << "§4.2: no client secret";
    EXPECT_EQ(form.count("password"), 0u);
    Parts parts = split(form["assertion"]);
    EXPECT_EQ(parts.claims["iss"], "test-consumer-key");
    EXPECT_EQ(parts.claims["sub"], "sink@example.com");
    // The capturing server is on loopback, which stands for a production org.
    EXPECT_EQ(parts.claims["aud"], "https://login.salesforce.com");
    // A fresh assertion for each login, 3 minutes ahead of the clock at that moment.
    EXPECT_EQ(parts.claims["exp"], start + 180 + static_cast<int64_t>(i) * 600);
    EXPECT_TRUE(verifies_with_certificate(parts, keystores().certificate_pem));
  }
  EXPECT_THAT(log_.text(), Not(HasSubstr(kPassword)));
}

TEST_F(GrantTest, ClientCredentialsPostsTheAppCredentialsOnly) {
  CapturingTokenServer server;
  auto tokens = provider(settings(OAuthGrant::kClientCredentials, server.url()));
  ASSERT_TRUE(tokens->session().ok());
  auto forms = server.forms();
  ASSERT_EQ(forms.size(), 1u);
  EXPECT_EQ(forms[0],
            (std::map<std::string, std::string>{{"grant_type", "client_credentials"},
                                                {"client_id", "test-consumer-key"},
                                                {"client_secret", "test-consumer-secret"}}));
  EXPECT_THAT(log_.text(), HasSubstr("connected app test-consumer-key"));
}

TEST_F(GrantTest, WrongKeystorePasswordIsFatalBeforeAnyRequestAndHidesThePassword) {
  CapturingTokenServer server;
  ClientSettings s = settings(OAuthGrant::kJwtBearer, server.url());
  s.jwt_keystore_password = Secret("not-the-keystore-password");
  auto tokens = provider(s);
  auto session = tokens->session();
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().kind, ErrorKind::kFatal);
  EXPECT_THAT(session.error().message, HasSubstr("salesforce.jwt.keystore.path"));
  EXPECT_THAT(session.error().message, HasSubstr("wrong password"));
  EXPECT_THAT(session.error().message, Not(HasSubstr("not-the-keystore-password")));
  EXPECT_TRUE(server.forms().empty());
  EXPECT_TRUE(clock_.sleeps().empty()) << "not retried";
  EXPECT_THAT(log_.text(), Not(HasSubstr("not-the-keystore-password")));
}

// --- Against the emulator ------------------------------------------------------------------

// A clock on real calendar time: the emulator checks exp against its own clock.
class WallClock : public FakeClock {
 public:
  std::chrono::system_clock::time_point wall_now() override {
    return std::chrono::system_clock::now();
  }
};

class GrantEmulatorTest : public GrantTest {
 protected:
  void start(sfpe::testing::EmulatorConfig config) {
    emulator_ = std::make_unique<sfpe::testing::SalesforceEmulator>(std::move(config));
    ASSERT_TRUE(emulator_->start().ok());
  }
  void TearDown() override {
    if (emulator_) emulator_->stop();
  }
  sfpe::testing::EmulatorConfig config_with_certificate() const {
    sfpe::testing::EmulatorConfig config;
    config.jwt_certificate_pem = keystores().certificate_pem;
    return config;
  }

  std::unique_ptr<sfpe::testing::SalesforceEmulator> emulator_;
  WallClock wall_clock_;
};

TEST_F(GrantEmulatorTest, JwtBearerLogsInAndRefreshesOnceAfterExpiry) {
  start(config_with_certificate());
  TokenProvider tokens(settings(OAuthGrant::kJwtBearer, emulator_->url()), wall_clock_, random_,
                       nullptr, log_.logger());
  auto session = tokens.session();
  ASSERT_TRUE(session.ok()) << session.error().message;
  EXPECT_EQ(session->org_id, "00Dxx0000001gPFEAY");
  auto refreshed = tokens.refresh(session->access_token);
  ASSERT_TRUE(refreshed.ok()) << refreshed.error().message;
  EXPECT_FALSE(refreshed->access_token == session->access_token);
  EXPECT_EQ(tokens.login_count(), 2);
}

TEST_F(GrantEmulatorTest, JwtBearerWithAStaleClockGetsSalesforcesExpiryErrorAndStops) {
  start(config_with_certificate());
  // FakeClock's calendar is in 2023: the assertion is long expired when the emulator reads it.
  auto tokens = provider(settings(OAuthGrant::kJwtBearer, emulator_->url()));
  auto session = tokens->session();
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().kind, ErrorKind::kFatal);
  EXPECT_EQ(session.error().code, "invalid_grant");
  EXPECT_THAT(session.error().message, HasSubstr("invalid_grant: expired authorization code"));
  EXPECT_EQ(emulator_->stats()["requests"]["token"], 1);
}

TEST_F(GrantEmulatorTest, JwtBearerWithAnotherKeyIsInvalidAssertion) {
  auto other = sfpe::testing::make_test_keystores(
      std::filesystem::path(SFPE_BINARY_DIR) / "test-keys" / "jwt_bearer_test_other", kPassword,
      "another app");
  ASSERT_TRUE(other.ok()) << other.error().message;
  sfpe::testing::EmulatorConfig config;
  config.jwt_certificate_pem = other->certificate_pem;
  start(config);
  TokenProvider tokens(settings(OAuthGrant::kJwtBearer, emulator_->url()), wall_clock_, random_,
                       nullptr, log_.logger());
  auto session = tokens.session();
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().kind, ErrorKind::kFatal);
  EXPECT_THAT(session.error().message, HasSubstr("invalid_grant: invalid assertion"));
  EXPECT_THAT(session.error().message, HasSubstr("certificate matches the key"));
  // The hint names the aud that was sent and how to change it, and never recommends a My Domain
  // audience, which Salesforce refuses (§4.2).
  EXPECT_THAT(session.error().message,
              HasSubstr("that the assertion's audience https://login.salesforce.com is the org's "
                        "authorization server (https://login.salesforce.com for production, "
                        "https://test.salesforce.com for a sandbox, or an Experience Cloud site "
                        "URL; set salesforce.jwt.audience to choose it)"));
  EXPECT_THAT(session.error().message, Not(HasSubstr("My Domain")));
}

TEST_F(GrantEmulatorTest, JwtBearerAtASandboxOrgLogsInWithTheConfiguredAudienceOnly) {
  sfpe::testing::EmulatorConfig config = config_with_certificate();
  config.org_type = sfpe::testing::OrgType::kSandbox;
  start(config);
  ClientSettings s = settings(OAuthGrant::kJwtBearer, emulator_->url());
  s.auth_retries_time_ms = 0;
  // Derived from a loopback instance: the production server, which a sandbox refuses.
  auto refused = TokenProvider(s, wall_clock_, random_, nullptr, log_.logger()).session();
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message, HasSubstr("invalid_grant: audience is invalid"));
  EXPECT_THAT(refused.error().message,
              HasSubstr("the assertion's audience https://login.salesforce.com is"));

  s.jwt_audience = "https://test.salesforce.com/";
  TokenProvider tokens(s, wall_clock_, random_, nullptr, log_.logger());
  auto session = tokens.session();
  ASSERT_TRUE(session.ok()) << session.error().message;
  EXPECT_EQ(emulator_->stats()["requests"]["token"], 2);
}

TEST_F(GrantEmulatorTest, ClientCredentialsLogsIn) {
  start({});
  auto tokens = provider(settings(OAuthGrant::kClientCredentials, emulator_->url()));
  auto session = tokens->session();
  ASSERT_TRUE(session.ok()) << session.error().message;
  EXPECT_EQ(session->instance_url, trim_trailing_slashes(emulator_->url()));
}

TEST_F(GrantEmulatorTest, ClientCredentialsWithAWrongSecretStopsWithSalesforcesText) {
  start({});
  ClientSettings s = settings(OAuthGrant::kClientCredentials, emulator_->url());
  s.consumer_secret = Secret("wrong-secret-value");
  auto session = provider(s)->session();
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().kind, ErrorKind::kFatal);
  EXPECT_THAT(session.error().message, HasSubstr("invalid_client: invalid client credentials"));
  EXPECT_THAT(session.error().message, HasSubstr("salesforce.consumer.secret"));
  EXPECT_THAT(session.error().message, Not(HasSubstr("wrong-secret-value")));
  EXPECT_EQ(emulator_->stats()["requests"]["token"], 1);
}

}  // namespace
}  // namespace sfpe::salesforce
