// Confluent framing: magic byte, big-endian schema id, payload, and each way it can be wrong.
#include "convert/wire_format.h"

#include <gtest/gtest.h>

#include <string>

#include "convert/error_codes.h"

namespace sfpe::convert {
namespace {

using namespace std::string_literals;

TEST(WireFormatTest, SplitsSchemaIdAndPayload) {
  const std::string value = "\x00\x00\x00\x01\x2c\x02\x61"s;  // the payload points into it
  auto frame = parse_frame(value);
  ASSERT_TRUE(frame.ok()) << frame.error().message;
  EXPECT_EQ(frame->schema_id, 300);
  EXPECT_EQ(frame->payload, "\x02\x61");
}

TEST(WireFormatTest, ReadsTheIdBigEndianOverAllFourBytes) {
  const std::string value = "\x00\x7f\xfe\xfd\xfc"s;
  auto frame = parse_frame(value);
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(frame->schema_id, 0x7ffefdfc);
  EXPECT_EQ(frame->payload, "");
}

TEST(WireFormatTest, EmptyValueIsPermanent) {
  auto frame = parse_frame("");
  ASSERT_FALSE(frame.ok());
  EXPECT_EQ(frame.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(frame.error().code, kCodeEmptyValue);
}

TEST(WireFormatTest, UnknownMagicByteNamesTheByteAndSchemalessData) {
  auto frame = parse_frame(R"({"TextField__c":"x"})");
  ASSERT_FALSE(frame.ok());
  EXPECT_EQ(frame.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(frame.error().code, kCodeUnknownMagicByte);
  EXPECT_EQ(frame.error().message,
            "unknown magic byte 0x7b: the value is not Schema Registry framed; schemaless JSON "
            "and raw bytes are not supported");
}

TEST(WireFormatTest, GuidFramingIsNamed) {
  auto frame = parse_frame("\x01\x00\x00\x00\x01"s);
  ASSERT_FALSE(frame.ok());
  EXPECT_EQ(frame.error().code, kCodeUnknownMagicByte);
  EXPECT_EQ(frame.error().message,
            "unknown magic byte 0x01: schema GUID framing (magic byte 0x01) is not supported");
}

TEST(WireFormatTest, TooShortForTheSchemaId) {
  for (const std::string& value : {"\x00"s, "\x00\x00\x00\x01"s}) {
    auto frame = parse_frame(value);
    ASSERT_FALSE(frame.ok());
    EXPECT_EQ(frame.error().kind, ErrorKind::kPermanent);
    EXPECT_EQ(frame.error().code, kCodeFrameTooShort);
    EXPECT_EQ(frame.error().message, "value too short for Schema Registry framing: " +
                                         std::to_string(value.size()) + " bytes, need at least 5");
  }
}

}  // namespace
}  // namespace sfpe::convert
