// SchemaRegistryClient against an in-process registry: caching, status classification, URL
// failover and authentication.
#include "convert/schema_registry_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <string>

#include "convert/error_codes.h"
#include "fake_registry.h"

namespace sfpe::convert {
namespace {

using test::FakeRegistry;

std::shared_ptr<SchemaRegistryClient> make_client(std::map<std::string, std::string> settings) {
  auto client = SchemaRegistryClient::create(settings);
  EXPECT_TRUE(client.ok()) << client.error().message;
  return client.ok() ? client.value() : nullptr;
}

// A TCP port on which nothing accepts: bound but not listening, so connecting is refused.
class RefusingPort {
 public:
  RefusingPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    socklen_t length = sizeof(address);
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port_ = ntohs(address.sin_port);
  }
  ~RefusingPort() { ::close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(SchemaRegistryClientTest, FetchesSchemaByIdOnceThenServesFromCache) {
  FakeRegistry registry;
  registry.add_schema(7, R"({"type":"string"})");
  auto client = make_client({{"schema.registry.url", registry.url()}});

  auto first = client->schema_by_id(7);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ((*first)->schema, R"({"type":"string"})");
  EXPECT_EQ((*first)->schema_type, "AVRO");  // absent means AVRO
  EXPECT_TRUE((*first)->references.empty());
  auto second = client->schema_by_id(7);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->get(), first->get());

  auto requests = registry.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/schemas/ids/7");
  EXPECT_EQ(requests[0].accept, "application/vnd.schemaregistry.v1+json");
  EXPECT_EQ(requests[0].authorization, "");
}

TEST(SchemaRegistryClientTest, ReadsSchemaTypeAndReferences) {
  FakeRegistry registry;
  registry.add_schema(
      8, R"({"type":"object"})", "JSON",
      nlohmann::json::array({{{"name", "Address"}, {"subject", "address-value"}, {"version", 3}}}));
  auto client = make_client({{"schema.registry.url", registry.url()}});
  auto schema = client->schema_by_id(8);
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  EXPECT_EQ((*schema)->schema_type, "JSON");
  ASSERT_EQ((*schema)->references.size(), 1u);
  EXPECT_EQ((*schema)->references[0].name, "Address");
  EXPECT_EQ((*schema)->references[0].subject, "address-value");
  EXPECT_EQ((*schema)->references[0].version, 3);
}

TEST(SchemaRegistryClientTest, FetchesSubjectVersions) {
  FakeRegistry registry;
  registry.add_subject_version("address-value", 3, R"({"type":"int"})");
  auto client = make_client({{"schema.registry.url", registry.url()}});
  auto schema = client->schema_by_subject_version("address-value", 3);
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  EXPECT_EQ((*schema)->schema, R"({"type":"int"})");
  ASSERT_TRUE(client->schema_by_subject_version("address-value", 3).ok());
  auto requests = registry.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/subjects/address-value/versions/3");
}

TEST(SchemaRegistryClientTest, UnknownIdIsPermanentWithTheRegistryMessage) {
  FakeRegistry registry;
  auto client = make_client({{"schema.registry.url", registry.url()}});
  auto schema = client->schema_by_id(99);
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(schema.error().code, kCodeSchemaNotFound);
  EXPECT_EQ(schema.error().message,
            "Schema Registry " + registry.url() + ": schema id 99 not found: Schema 99 not found");
  // Errors are not cached: the next call asks again.
  ASSERT_FALSE(client->schema_by_id(99).ok());
  EXPECT_EQ(registry.requests().size(), 2u);
}

TEST(SchemaRegistryClientTest, ServerErrorIsTransient) {
  FakeRegistry registry;
  registry.respond_for_id(5, 500, R"({"error_code":50001,"message":"Error in the backend"})");
  auto client = make_client({{"schema.registry.url", registry.url()}});
  auto schema = client->schema_by_id(5);
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(schema.error().code, kCodeRegistryUnavailable);
  EXPECT_EQ(schema.error().message, "Schema Registry " + registry.url() +
                                        ": schema id 5 failed: HTTP 500 (error_code 50001): "
                                        "Error in the backend");
}

TEST(SchemaRegistryClientTest, OtherClientErrorsArePermanentAndAuthFailuresFatal) {
  FakeRegistry registry;
  registry.respond_for_id(1, 422, R"({"error_code":42201,"message":"Invalid schema"})");
  registry.respond_for_id(2, 401, R"({"error_code":401,"message":"Unauthorized"})");
  registry.respond_for_id(3, 429, "slow down");
  auto client = make_client({{"schema.registry.url", registry.url()}});

  auto unprocessable = client->schema_by_id(1);
  ASSERT_FALSE(unprocessable.ok());
  EXPECT_EQ(unprocessable.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(unprocessable.error().code, kCodeRegistryError);

  auto unauthorized = client->schema_by_id(2);
  ASSERT_FALSE(unauthorized.ok());
  EXPECT_EQ(unauthorized.error().kind, ErrorKind::kFatal);
  EXPECT_EQ(unauthorized.error().code, kCodeRegistryAuth);

  auto throttled = client->schema_by_id(3);
  ASSERT_FALSE(throttled.ok());
  EXPECT_EQ(throttled.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(throttled.error().message, "Schema Registry " + registry.url() +
                                           ": schema id 3 failed: HTTP 429 (error_code 0): "
                                           "slow down");
}

TEST(SchemaRegistryClientTest, UnreadableSuccessBodyIsTransient) {
  FakeRegistry registry;
  registry.respond_for_id(4, 200, "<html>proxy login</html>");
  auto client = make_client({{"schema.registry.url", registry.url()}});
  auto schema = client->schema_by_id(4);
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(schema.error().message,
            "Schema Registry " + registry.url() + ": invalid response: not a JSON object");
}

TEST(SchemaRegistryClientTest, FailsOverToTheNextUrlOnTransportFailure) {
  RefusingPort dead;
  FakeRegistry registry;
  registry.add_schema(7, R"({"type":"string"})");
  auto client = make_client({{"schema.registry.url", dead.url() + " , " + registry.url()}});
  auto schema = client->schema_by_id(7);
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  EXPECT_EQ((*schema)->schema, R"({"type":"string"})");
  EXPECT_EQ(registry.requests().size(), 1u);
}

TEST(SchemaRegistryClientTest, AllUrlsUnreachableIsTransient) {
  RefusingPort first;
  RefusingPort second;
  auto client = make_client({{"schema.registry.url", first.url() + "," + second.url()}});
  auto schema = client->schema_by_id(7);
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(schema.error().code, kCodeRegistryUnavailable);
  EXPECT_NE(schema.error().message.find(first.url()), std::string::npos);
  EXPECT_NE(schema.error().message.find(second.url()), std::string::npos);
}

TEST(SchemaRegistryClientTest, SendsBasicAuthFromUserInfo) {
  FakeRegistry registry;
  registry.add_schema(7, R"({"type":"string"})");
  auto client = make_client({{"schema.registry.url", registry.url()},
                             {"basic.auth.credentials.source", "USER_INFO"},
                             {"basic.auth.user.info", "key:secret"}});
  ASSERT_TRUE(client->schema_by_id(7).ok());
  auto requests = registry.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].authorization, "Basic a2V5OnNlY3JldA==");  // base64("key:secret")
}

TEST(SchemaRegistryClientTest, SendsBasicAuthFromTheUrlAndKeepsItOutOfMessages) {
  FakeRegistry registry;
  registry.respond_for_id(7, 500, "down");
  auto client = make_client({{"schema.registry.url", "http://alice:s%40cret@127.0.0.1:" +
                                                         std::to_string(registry.port())}});
  auto schema = client->schema_by_id(7);
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.error().message.find("cret"), std::string::npos) << schema.error().message;
  auto requests = registry.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].authorization, "Basic YWxpY2U6c0BjcmV0");  // base64("alice:s@cret")
}

TEST(SchemaRegistryClientTest, SendsABearerToken) {
  FakeRegistry registry;
  registry.add_schema(7, R"({"type":"string"})");
  auto client = make_client({{"schema.registry.url", registry.url()},
                             {"bearer.auth.credentials.source", "STATIC_TOKEN"},
                             {"bearer.auth.token", "t0k3n"}});
  ASSERT_TRUE(client->schema_by_id(7).ok());
  EXPECT_EQ(registry.requests().at(0).authorization, "Bearer t0k3n");
}

TEST(SchemaRegistryConfigTest, ConfigurationErrorsNameTheProperty) {
  struct Case {
    std::map<std::string, std::string> settings;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{}, "schema.registry.url is required"},
      {{{"schema.registry.url", " "}}, "schema.registry.url is required"},
      {{{"schema.registry.url", "ftp://sr:8081"}},
       "schema.registry.url: each URL must start with http:// or https://"},
      {{{"schema.registry.url", "http://sr:8081"}, {"basic.auth.credentials.source", "USER_INFO"}},
       "basic.auth.user.info is required when basic.auth.credentials.source is USER_INFO"},
      {{{"schema.registry.url", "http://sr:8081"},
        {"basic.auth.credentials.source", "SASL_INHERIT"}},
       "basic.auth.credentials.source: unsupported value \"SASL_INHERIT\" (supported: URL, "
       "USER_INFO)"},
      {{{"schema.registry.url", "http://sr:8081"}, {"http.read.timeout.ms", "soon"}},
       "http.read.timeout.ms: expected a positive number of milliseconds, got \"soon\""},
  };
  for (const auto& c : cases) {
    auto config = SchemaRegistryConfig::from_settings(c.settings);
    ASSERT_FALSE(config.ok()) << c.message;
    EXPECT_EQ(config.error().kind, ErrorKind::kFatal);
    EXPECT_EQ(config.error().code, kCodeConfigInvalid);
    EXPECT_EQ(config.error().message, c.message);
  }
}

TEST(SchemaRegistryConfigTest, ParsesUrlsUserInfoAndTimeouts) {
  auto config = SchemaRegistryConfig::from_settings(
      {{"schema.registry.url", "https://u:p@sr1:8081/, http://sr2:8081"},
       {"schema.registry.basic.auth.user.info", "ignored-for-URL-source"},
       {"http.connect.timeout.ms", "1500"},
       {"http.read.timeout.ms", "2500"}});
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_EQ(config->endpoints.size(), 2u);
  EXPECT_EQ(config->endpoints[0].base_url, "https://sr1:8081");
  ASSERT_TRUE(config->endpoints[0].url_user_info.has_value());
  EXPECT_EQ(config->endpoints[0].url_user_info->reveal(), "u:p");
  EXPECT_EQ(config->endpoints[1].base_url, "http://sr2:8081");
  EXPECT_FALSE(config->endpoints[1].url_user_info.has_value());
  EXPECT_TRUE(config->user_info_from_url);
  EXPECT_EQ(config->http.connect_timeout_ms, 1500);
  EXPECT_EQ(config->http.request_timeout_ms, 4000);
}

}  // namespace
}  // namespace sfpe::convert
