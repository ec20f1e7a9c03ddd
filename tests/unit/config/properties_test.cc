// The .properties reader against each rule of java.util.Properties.load, with exact maps.
#include "config/properties.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sfpe::config {
namespace {

using ::testing::HasSubstr;

Properties parse_ok(std::string_view text) {
  Result<Properties> parsed = parse_properties(text);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? parsed.value() : Properties{};
}

TEST(PropertiesReader, SeparatorsAreEqualsColonOrWhitespace) {
  EXPECT_EQ(parse_ok("a=1\nb:2\nc 3\nd\t4\ne\f5\n"),
            (Properties{{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}, {"e", "5"}}));
}

TEST(PropertiesReader, WhitespaceAroundSeparatorIsDroppedButTrailingWhitespaceIsKept) {
  EXPECT_EQ(parse_ok("  a = 1\nb  :  2\nc   3\ne = x  \n"),
            (Properties{{"a", "1"}, {"b", "2"}, {"c", "3"}, {"e", "x  "}}));
}

TEST(PropertiesReader, OnlyOneSeparatorCharacterIsConsumed) {
  EXPECT_EQ(parse_ok("f  = g\nh  ==i\nj=:k\nl : =m\n"),
            (Properties{{"f", "g"}, {"h", "=i"}, {"j", ":k"}, {"l", "=m"}}));
}

TEST(PropertiesReader, KeyWithoutValue) {
  EXPECT_EQ(parse_ok("alone\nempty=\n=nokey\n   spaced   \n"),
            (Properties{{"alone", ""}, {"empty", ""}, {"", "nokey"}, {"spaced", ""}}));
}

TEST(PropertiesReader, CommentsStartWithHashOrBangAfterOptionalWhitespace) {
  EXPECT_EQ(parse_ok("# one\n! two\n   # indented\n\t! tabbed\na=1 # not a comment\nb=#x\n"),
            (Properties{{"a", "1 # not a comment"}, {"b", "#x"}}));
}

TEST(PropertiesReader, BlankLinesAndLineEndings) {
  EXPECT_EQ(parse_ok("\r\n\n   \n\ta=1\r\nb=2\rc=3\n\r\n"),
            (Properties{{"a", "1"}, {"b", "2"}, {"c", "3"}}));
}

TEST(PropertiesReader, KeysMayContainEscapedSeparators) {
  EXPECT_EQ(parse_ok("key\\=with\\:seps\\ and\\ spaces = v\nx\\#y=z\n"),
            (Properties{{"key=with:seps and spaces", "v"}, {"x#y", "z"}}));
}

TEST(PropertiesReader, OddTrailingBackslashesContinueAndDropLeadingWhitespace) {
  EXPECT_EQ(parse_ok("a=one\\\n    two\\\n\t\fthree\nb=x\n"),
            (Properties{{"a", "onetwothree"}, {"b", "x"}}));
}

TEST(PropertiesReader, EvenTrailingBackslashesDoNotContinue) {
  EXPECT_EQ(parse_ok("c=1\\\\\nd=2\ne=3\\\\\\\n  4\n"),
            (Properties{{"c", "1\\"}, {"d", "2"}, {"e", "3\\4"}}));
}

TEST(PropertiesReader, ContinuationWithCrLf) {
  EXPECT_EQ(parse_ok("a=x\\\r\n   y\r\nb=z\r\n"), (Properties{{"a", "xy"}, {"b", "z"}}));
}

TEST(PropertiesReader, ContinuationIntoEmptyLineEndsTheValue) {
  EXPECT_EQ(parse_ok("a=x\\\n\nb=y\nc=z\\\n   \nd=w"),
            (Properties{{"a", "x"}, {"b", "y"}, {"c", "z"}, {"d", "w"}}));
}

TEST(PropertiesReader, LoneBackslashLineFollowedByEmptyLineYieldsNothing) {
  EXPECT_EQ(parse_ok("\\\n\na=1\n"), (Properties{{"a", "1"}}));
}

TEST(PropertiesReader, ContinuedKeyAndSeparatorOnNextLine) {
  EXPECT_EQ(parse_ok("long\\\n  key = v\n"), (Properties{{"longkey", "v"}}));
}

TEST(PropertiesReader, CommentLineEndingInBackslashDoesNotContinue) {
  EXPECT_EQ(parse_ok("# comment \\\na=1\n"), (Properties{{"a", "1"}}));
}

TEST(PropertiesReader, HashOnContinuationLineIsText) {
  EXPECT_EQ(parse_ok("a=x\\\n  #y\n"), (Properties{{"a", "x#y"}}));
}

TEST(PropertiesReader, BackslashAtEndOfInputIsDropped) {
  EXPECT_EQ(parse_ok("a=1\\"), (Properties{{"a", "1"}}));
  EXPECT_EQ(parse_ok("a=1"), (Properties{{"a", "1"}}));
}

TEST(PropertiesReader, CharacterEscapes) {
  EXPECT_EQ(parse_ok("a=\\t\\n\\r\\f\\\\\nb=\\q\\z\\ \\=\\:\\!\n"),
            (Properties{{"a", "\t\n\r\f\\"}, {"b", "qz =:!"}}));
}

TEST(PropertiesReader, UnicodeEscapesBecomeUtf8) {
  EXPECT_EQ(parse_ok("a=\\u0041\\u00e9\\u20AC\n\\u006b=v\n"),
            (Properties{{"a", "A\xC3\xA9\xE2\x82\xAC"}, {"k", "v"}}));
}

TEST(PropertiesReader, SurrogatePairIsOneCodePoint) {
  EXPECT_EQ(parse_ok("smile=\\uD83D\\uDE00!\n"), (Properties{{"smile", "\xF0\x9F\x98\x80!"}}));
}

TEST(PropertiesReader, Utf8TextPassesThrough) {
  EXPECT_EQ(parse_ok("name=h\xC3\xA9llo\n"), (Properties{{"name", "h\xC3\xA9llo"}}));
}

TEST(PropertiesReader, ByteOrderMarkIsSkipped) {
  EXPECT_EQ(parse_ok("\xEF\xBB\xBF"
                     "a=1\n"),
            (Properties{{"a", "1"}}));
}

TEST(PropertiesReader, LaterDuplicateKeyWins) {
  EXPECT_EQ(parse_ok("a=1\nb=2\na=3\n"), (Properties{{"a", "3"}, {"b", "2"}}));
}

TEST(PropertiesReader, MalformedUnicodeEscapeNamesTheLine) {
  Result<Properties> parsed = parse_properties("a=1\n# c\nb=\\u12G4\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message,
            "line 3: malformed \\uxxxx encoding (\\u must be followed by 4 hex digits)");
}

TEST(PropertiesReader, TruncatedUnicodeEscapeIsAnError) {
  Result<Properties> parsed = parse_properties("a=\\u12");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.error().message, HasSubstr("line 1:"));
}

TEST(PropertiesReader, ErrorNamesTheFirstLineOfAContinuedLogicalLine) {
  Result<Properties> parsed = parse_properties("\n\na=x\\\n  \\uZZZZ\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.error().message, HasSubstr("line 3:"));
}

TEST(PropertiesReader, UnpairedSurrogateIsAnError) {
  Result<Properties> high = parse_properties("a=\\uD83Dx\n");
  ASSERT_FALSE(high.ok());
  EXPECT_EQ(high.error().message, "line 1: malformed \\uxxxx encoding (unpaired high surrogate)");
  Result<Properties> low = parse_properties("a=1\nb=\\uDE00\n");
  ASSERT_FALSE(low.ok());
  EXPECT_EQ(low.error().message, "line 2: malformed \\uxxxx encoding (unpaired low surrogate)");
}

TEST(PropertiesReader, EmptyInput) {
  EXPECT_EQ(parse_ok(""), Properties{});
  EXPECT_EQ(parse_ok("\n# only a comment"), Properties{});
}

}  // namespace
}  // namespace sfpe::config
