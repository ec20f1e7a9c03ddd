// Text forms of dates, times, decimals, bytes and strings in event bodies.
#include "map/value_format.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string_view>

namespace sfpe::map {
namespace {

TEST(ValueFormatTest, TimestampsAreUtcWithMilliseconds) {
  EXPECT_EQ(to_iso8601_millis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(to_iso8601_millis(1553542991336), "2019-03-25T19:43:11.336Z");
  EXPECT_EQ(to_iso8601_millis(951782400000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(to_iso8601_millis(253402300799999), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(to_iso8601_millis(253402300800000), "+10000-01-01T00:00:00.000Z");
}

TEST(ValueFormatTest, NegativeTimestampsAreBefore1970) {
  EXPECT_EQ(to_iso8601_millis(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(to_iso8601_millis(-86400000), "1969-12-31T00:00:00.000Z");
  EXPECT_EQ(to_iso8601_millis(-86400001), "1969-12-30T23:59:59.999Z");
  EXPECT_EQ(to_iso8601_millis(-2208988800000), "1900-01-01T00:00:00.000Z");
  EXPECT_EQ(to_iso8601_millis(-62167219200000), "0000-01-01T00:00:00.000Z");
  EXPECT_EQ(to_iso8601_millis(-62167219200001), "-0001-12-31T23:59:59.999Z");
}

TEST(ValueFormatTest, ExtremeTimestampsDoNotOverflow) {
  EXPECT_EQ(to_iso8601_millis(std::numeric_limits<int64_t>::max()),
            "+292278994-08-17T07:12:55.807Z");
  EXPECT_EQ(to_iso8601_millis(std::numeric_limits<int64_t>::min()),
            "-292275055-05-16T16:47:04.192Z");
}

TEST(ValueFormatTest, DatesHandleNegativeDays) {
  EXPECT_EQ(to_iso_date(0), "1970-01-01");
  EXPECT_EQ(to_iso_date(-1), "1969-12-31");
  EXPECT_EQ(to_iso_date(-365), "1969-01-01");
  EXPECT_EQ(to_iso_date(-719528), "0000-01-01");
  EXPECT_EQ(to_iso_date(17980), "2019-03-25");
  EXPECT_EQ(to_iso_date(11016), "2000-02-29");
  EXPECT_EQ(to_iso_date(2932896), "9999-12-31");
  EXPECT_EQ(to_iso_date(std::numeric_limits<int32_t>::min()), "-5877641-06-23");
  EXPECT_EQ(to_iso_date(std::numeric_limits<int32_t>::max()), "+5881580-07-11");
  EXPECT_FALSE(to_iso_date(std::numeric_limits<int64_t>::max()).empty());
  EXPECT_FALSE(to_iso_date(std::numeric_limits<int64_t>::min()).empty());
}

TEST(ValueFormatTest, TimesOfDay) {
  EXPECT_EQ(to_iso_time(0), "00:00:00.000Z");
  EXPECT_EQ(to_iso_time(71000336), "19:43:20.336Z");
  EXPECT_EQ(to_iso_time(86399999), "23:59:59.999Z");
  EXPECT_EQ(to_iso_time(86400000), std::nullopt);
  EXPECT_EQ(to_iso_time(-1), std::nullopt);
}

TEST(ValueFormatTest, DecimalsAreExact) {
  EXPECT_EQ(decimal_to_string({0x30, 0x39}, 2), "123.45");
  EXPECT_EQ(decimal_to_string({0xcf, 0xc7}, 2), "-123.45");
  EXPECT_EQ(decimal_to_string({0x00}, 0), "0");
  EXPECT_EQ(decimal_to_string({0x00}, 3), "0.000");
  EXPECT_EQ(decimal_to_string({0xff}, 0), "-1");
  EXPECT_EQ(decimal_to_string({0x05}, 3), "0.005");
  EXPECT_EQ(decimal_to_string({0xfb}, 3), "-0.005");
  EXPECT_EQ(decimal_to_string({0x80}, 0), "-128");
  EXPECT_EQ(decimal_to_string({0x00, 0x80}, 0), "128");
  EXPECT_EQ(decimal_to_string({0x01}, -2), "100");
  // 2^64 + 1 and 18 significant digits: beyond int64 and double, still exact.
  EXPECT_EQ(decimal_to_string({0x01, 0, 0, 0, 0, 0, 0, 0, 0x01}, 4), "1844674407370955.1617");
  EXPECT_EQ(decimal_to_string({0x01, 0xb6, 0x9b, 0x4b, 0xa6, 0x30, 0xf3, 0x4e}, 2),
            "1234567890123456.78");
  EXPECT_EQ(decimal_to_string({}, 2), std::nullopt);
  EXPECT_EQ(decimal_to_string(data::Bytes(1025, 1), 0), std::nullopt);
}

TEST(ValueFormatTest, Base64) {
  EXPECT_EQ(to_base64({}), "");
  EXPECT_EQ(to_base64({'f'}), "Zg==");
  EXPECT_EQ(to_base64({'f', 'o'}), "Zm8=");
  EXPECT_EQ(to_base64({'f', 'o', 'o'}), "Zm9v");
  EXPECT_EQ(to_base64({'f', 'o', 'o', 'b', 'a', 'r'}), "Zm9vYmFy");
  EXPECT_EQ(to_base64({0xff, 0xfe, 0x00}), "//4A");
}

TEST(ValueFormatTest, InvalidUtf8IsReplaced) {
  EXPECT_EQ(to_valid_utf8("plain"), "plain");
  EXPECT_EQ(to_valid_utf8("h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  EXPECT_EQ(to_valid_utf8("a\xff"
                          "b"),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(to_valid_utf8("\xc3"), "\xef\xbf\xbd");                                  // truncated
  EXPECT_EQ(to_valid_utf8("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");                  // overlong
  EXPECT_EQ(to_valid_utf8("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // surrogate
  EXPECT_EQ(to_valid_utf8("\xf4\x90\x80\x80"),
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // above U+10FFFF
}

TEST(ValueFormatTest, ParsesIsoDates) {
  EXPECT_EQ(parse_iso_date("1970-01-01"), 0);
  EXPECT_EQ(parse_iso_date("1969-12-31"), -1);
  EXPECT_EQ(parse_iso_date("2000-02-29"), 11016);
  EXPECT_EQ(parse_iso_date("1900-02-29"), std::nullopt);
  EXPECT_EQ(parse_iso_date("2024-13-01"), std::nullopt);
  EXPECT_EQ(parse_iso_date("2024-1-01"), std::nullopt);
  EXPECT_EQ(parse_iso_date("2024-01-01T00:00Z"), std::nullopt);
}

TEST(ValueFormatTest, ParsesIsoDateTimesWithZones) {
  EXPECT_EQ(parse_iso_datetime("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_iso_datetime("1970-01-01T00:00:00.001Z"), 1);
  EXPECT_EQ(parse_iso_datetime("1970-01-01T00:00:00.0019999Z"), 1);
  EXPECT_EQ(parse_iso_datetime("1970-01-01T01:00+01:00"), 0);
  EXPECT_EQ(parse_iso_datetime("1970-01-01T00:00:00-0130"), 5400000);
  EXPECT_EQ(parse_iso_datetime("1970-01-01 00:00:00+01"), -3600000);
  EXPECT_EQ(parse_iso_datetime("2019-03-25T19:43:11.336Z"), 1553542991336);
  EXPECT_EQ(parse_iso_datetime("1970-01-01T00:00:00"), std::nullopt);   // no zone
  EXPECT_EQ(parse_iso_datetime("1970-01-01T24:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_iso_datetime("1970-01-01T00:00:00.Z"), std::nullopt);
  EXPECT_EQ(parse_iso_datetime("1970-01-01T00:00:00+1"), std::nullopt);
}

TEST(ValueFormatTest, RecognizesDecimalNumberText) {
  for (const char* ok : {"0", "-12", "+3.5", ".5", "5.", "1e3", "-1.5E-7"}) {
    EXPECT_TRUE(is_decimal_number_text(ok)) << ok;
  }
  for (const char* bad : {"", "-", ".", "1e", "1.2.3", "0x10", " 1", "1 ", "NaN", "Infinity"}) {
    EXPECT_FALSE(is_decimal_number_text(bad)) << bad;
  }
}

TEST(ValueFormatTest, ReadsDecimalTextExactly) {
  auto read = [](std::string_view text) {
    auto digits = read_decimal_text(text);
    EXPECT_TRUE(digits.has_value()) << text;
    return digits.value_or(DecimalText{});
  };
  EXPECT_EQ(read("+.50").json, "0.50");
  EXPECT_EQ(read("007.").json, "7");
  EXPECT_EQ(read("-1E+3").json, "-1E+3");
  EXPECT_EQ(read("-1E+3").as_int64, -1000);
  EXPECT_EQ(read("-1E+3").integer_digits, 4);
  EXPECT_EQ(read("0.1e1").as_int64, 1);
  EXPECT_EQ(read("12.50").as_int64, std::nullopt);
  EXPECT_EQ(read("12.50").integer_digits, 2);
  EXPECT_EQ(read("0.000123").integer_digits, 0);
  EXPECT_EQ(read("9999999999999999.99").integer_digits, 16);
  EXPECT_EQ(read("9223372036854775807").as_int64, INT64_MAX);
  EXPECT_EQ(read("9223372036854775808").as_int64, std::nullopt);
  EXPECT_EQ(read("-0.0").as_int64, 0);
  EXPECT_FALSE(read("1.7976931348623157e308").exceeds_double);
  EXPECT_TRUE(read("1.7976931348623159e308").exceeds_double);
  EXPECT_TRUE(read("1e400").exceeds_double);
  EXPECT_FALSE(read("1e-400").exceeds_double);  // an underflow is 0, within range
  EXPECT_EQ(read_decimal_text("1e"), std::nullopt);
  EXPECT_EQ(read_decimal_text("NaN"), std::nullopt);
}

TEST(ValueFormatTest, CountsUtf16CodeUnitsAndChecksUtf8) {
  EXPECT_EQ(utf16_length(""), 0u);
  EXPECT_EQ(utf16_length("abc"), 3u);
  EXPECT_EQ(utf16_length("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"), 4u);  // é € 😀 (a pair)
  EXPECT_TRUE(is_valid_utf8("h\xC3\xA9"));
  EXPECT_FALSE(is_valid_utf8("h\xC3"));
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));  // a surrogate
}

}  // namespace
}  // namespace sfpe::map
