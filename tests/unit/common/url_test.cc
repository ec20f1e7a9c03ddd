// The host of configured URLs and endpoints, and which hosts count as this machine (the only
// place sfpe-sink speaks without TLS).
#include "common/url.h"

#include <gtest/gtest.h>

namespace sfpe {
namespace {

TEST(UrlHost, WithoutSchemeUserInfoPortPathAndBrackets) {
  EXPECT_EQ(url_host("https://ACME.my.salesforce.com/"), "acme.my.salesforce.com");
  EXPECT_EQ(url_host("http://user:pw@127.0.0.1:8443/services?x#y"), "127.0.0.1");
  EXPECT_EQ(url_host("http://[::1]:7011"), "::1");
  EXPECT_EQ(url_host("api.pubsub.salesforce.com:7443"), "api.pubsub.salesforce.com");
  EXPECT_EQ(url_host("localhost"), "localhost");
  EXPECT_EQ(url_host(""), "");
}

TEST(UrlHost, CleartextIsHttpInAnyCase) {
  EXPECT_TRUE(is_cleartext_url("http://x"));
  EXPECT_TRUE(is_cleartext_url("HTTP://x"));
  EXPECT_FALSE(is_cleartext_url("https://x"));
  EXPECT_FALSE(is_cleartext_url("x:7443"));
  EXPECT_FALSE(is_cleartext_url("http:/x"));
}

TEST(UrlHost, LoopbackIsLocalhost127Slash8AndColonColon1Only) {
  for (const char* host : {"localhost", "LocalHost", "127.0.0.1", "127.255.0.9", "::1",
                           "0:0:0:0:0:0:0:1"}) {
    EXPECT_TRUE(is_loopback_host(host)) << host;
  }
  for (const char* host : {"", "128.0.0.1", "10.0.0.1", "::2", "::ffff:10.0.0.1",
                           "127.0.0.1.example.com", "localhost.example.com", "mylocalhost"}) {
    EXPECT_FALSE(is_loopback_host(host)) << host;
  }
}

}  // namespace
}  // namespace sfpe
