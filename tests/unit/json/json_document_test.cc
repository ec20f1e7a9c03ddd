// The exact-number JSON tree, and the exact decimal and base64 helpers both converters use.
#include "convert/json/json_document.h"

#include <gtest/gtest.h>

#include <string>

#include "convert/error_codes.h"
#include "convert/json/json_reader.h"

namespace sfpe::convert::json {
namespace {

JsonValue parse_ok(const std::string& text) {
  auto parsed = parse_json(text, kCodeInvalidJsonData);
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  return parsed.ok() ? std::move(parsed.value()) : JsonValue();
}

TEST(JsonDocumentTest, KeepsTheTextOfEveryNumber) {
  auto json = parse_ok(
      R"([12345678901234567890.123, 1e3, 42, -7, 18446744073709551615, 123456789012345678901234])");
  ASSERT_EQ(json.items().size(), 6u);
  EXPECT_EQ(json.items()[0].text(), "12345678901234567890.123");
  EXPECT_FALSE(json.items()[0].integral_literal());
  EXPECT_EQ(json.items()[1].text(), "1e3");
  EXPECT_FALSE(json.items()[1].integral_literal());
  EXPECT_DOUBLE_EQ(json.items()[1].double_value(), 1000.0);
  EXPECT_TRUE(json.items()[2].integral_literal());
  EXPECT_TRUE(json.items()[2].fits_int64());
  EXPECT_EQ(json.items()[2].int_value(), 42);
  EXPECT_EQ(json.items()[3].int_value(), -7);
  EXPECT_TRUE(json.items()[4].integral_literal());
  EXPECT_FALSE(json.items()[4].fits_int64());
  EXPECT_EQ(json.items()[4].text(), "18446744073709551615");
  EXPECT_TRUE(json.items()[5].integral_literal());
  EXPECT_FALSE(json.items()[5].fits_int64());
  EXPECT_EQ(json.items()[5].text(), "123456789012345678901234");
}

TEST(JsonDocumentTest, Int32RangeIsJacksonsIsInt) {
  auto json = parse_ok("[2147483647, 2147483648, -2147483648, 1.0]");
  EXPECT_TRUE(json.items()[0].is_int32());
  EXPECT_FALSE(json.items()[1].is_int32());
  EXPECT_TRUE(json.items()[2].is_int32());
  EXPECT_FALSE(json.items()[3].is_int32());
}

TEST(JsonDocumentTest, ObjectsKeepWireOrderAndTheLastDuplicateValueAtTheFirstPosition) {
  auto json = parse_ok(R"({"b":1,"a":2,"b":3})");
  ASSERT_EQ(json.members().size(), 2u);
  EXPECT_EQ(json.members()[0].first, "b");
  EXPECT_EQ(json.members()[0].second.int_value(), 3);
  EXPECT_EQ(json.members()[1].first, "a");
  EXPECT_EQ(json.find("a")->int_value(), 2);
  EXPECT_EQ(json.find("c"), nullptr);
}

TEST(JsonDocumentTest, DumpWritesNumbersAsTheyWereWritten) {
  auto json = parse_ok(R"({"x":[1.50,"q\"",null,true],"y":{}})");
  EXPECT_EQ(json.dump(), R"({"x":[1.50,"q\"",null,true],"y":{}})");
}

TEST(JsonDocumentTest, RefusesInvalidJsonWithItsPosition) {
  auto parsed = parse_json(R"({"a": tru})", kCodeInvalidJsonData);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, kCodeInvalidJsonData);
  EXPECT_EQ(parsed.error().message.rfind("invalid JSON: parse error at line 1, column", 0), 0u)
      << parsed.error().message;
}

TEST(JsonDocumentTest, RefusesTrailingTextAndKeepsTheCallersCode) {
  auto parsed = parse_json(R"({"a":1} x)", kCodeInvalidJsonSchema);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, kCodeInvalidJsonSchema);
}

TEST(JsonDocumentTest, RefusesDocumentsNestedTooDeeply) {
  std::string deep(kMaxJsonDepth + 1, '[');
  deep += std::string(kMaxJsonDepth + 1, ']');
  auto parsed = parse_json(deep, kCodeInvalidJsonData);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message, "invalid JSON: nested deeper than 128 levels");
  std::string ok(kMaxJsonDepth, '[');
  ok += std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(parse_json(ok, kCodeInvalidJsonData).ok());
}

TEST(JsonDocumentTest, RefusesInvalidUtf8) {
  EXPECT_FALSE(parse_json("\"\xff\"", kCodeInvalidJsonData).ok());
}

TEST(DecimalLiteralTest, ConvertsExactlyToTheUnscaledTwosComplement) {
  auto big = decimal_literal_to_unscaled("12345678901234567890.123", 3);
  ASSERT_TRUE(big.ok()) << big.error().message;
  EXPECT_EQ(*big, (data::Bytes{0x02, 0x9d, 0x42, 0xb6, 0x4e, 0x76, 0x71, 0x42, 0x44, 0xcb}));
  auto negative = decimal_literal_to_unscaled("-12345678901234567890.123", 3);
  ASSERT_TRUE(negative.ok());
  EXPECT_EQ(*negative, (data::Bytes{0xfd, 0x62, 0xbd, 0x49, 0xb1, 0x89, 0x8e, 0xbd, 0xbb, 0x35}));
}

TEST(DecimalLiteralTest, RescalesToTheSchemaScale) {
  EXPECT_EQ(*decimal_literal_to_unscaled("12.5", 2), (data::Bytes{0x04, 0xe2}));    // 1250
  EXPECT_EQ(*decimal_literal_to_unscaled("1.25e1", 2), (data::Bytes{0x04, 0xe2}));  // 1250
  EXPECT_EQ(*decimal_literal_to_unscaled("12.500", 2), (data::Bytes{0x04, 0xe2}));
  EXPECT_EQ(*decimal_literal_to_unscaled("1.28", 2), (data::Bytes{0x00, 0x80}));   // 128
  EXPECT_EQ(*decimal_literal_to_unscaled("-1.28", 2), (data::Bytes{0x80}));        // -128
  EXPECT_EQ(*decimal_literal_to_unscaled("-1.29", 2), (data::Bytes{0xff, 0x7f}));  // -129
  EXPECT_EQ(*decimal_literal_to_unscaled("0.000", 2), (data::Bytes{0x00}));
  EXPECT_EQ(*decimal_literal_to_unscaled("-0", 0), (data::Bytes{0x00}));
  EXPECT_EQ(*decimal_literal_to_unscaled("1E+2", 0), (data::Bytes{0x64}));
}

TEST(DecimalLiteralTest, RefusesDigitsBeyondTheScale) {
  auto refused = decimal_literal_to_unscaled("12.345", 2);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message,
            "decimal 12.345: more fractional digits than the schema's scale 2");
  EXPECT_FALSE(decimal_literal_to_unscaled("1e999999", 0).ok());
  EXPECT_FALSE(decimal_literal_to_unscaled("1e5000", 0).ok());
}

TEST(Base64Test, DecodesPaddedTextAndRefusesTheRest) {
  EXPECT_EQ(*decode_base64("MDk="), (data::Bytes{0x30, 0x39}));
  EXPECT_EQ(*decode_base64("+x4="), (data::Bytes{0xfb, 0x1e}));
  EXPECT_EQ(*decode_base64("aGk="), (data::Bytes{'h', 'i'}));
  EXPECT_EQ(*decode_base64("aGVsbG8h"), (data::Bytes{'h', 'e', 'l', 'l', 'o', '!'}));
  EXPECT_EQ(*decode_base64("aGVs bG8h"), (data::Bytes{'h', 'e', 'l', 'l', 'o', '!'}));
  EXPECT_EQ(*decode_base64(""), data::Bytes{});
  EXPECT_FALSE(decode_base64("aGk").has_value());
  EXPECT_FALSE(decode_base64("a===").has_value());
  EXPECT_FALSE(decode_base64("aG=k").has_value());
  EXPECT_FALSE(decode_base64("aGk=aGk=").has_value());
  EXPECT_FALSE(decode_base64("a*k=").has_value());
}

}  // namespace
}  // namespace sfpe::convert::json
