// Reader for Java .properties text (the full java.util.Properties.load format), used for worker
// files, connector files and anything else Kafka Connect users write as properties.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/result.h"

namespace sfpe::config {

// Key -> value, sorted by key. A later duplicate key in the input replaces the earlier one.
using Properties = std::map<std::string, std::string>;

// Parses .properties text: `#`/`!` comments, `=`/`:`/whitespace separators, escaped separators in
// keys, line continuations, \t \n \r \f \\ \uXXXX escapes (surrogate pairs become one UTF-8 code
// point). Fails only on a malformed \u escape; the Error names the line.
Result<Properties> parse_properties(std::string_view text);

// Reads and parses a .properties file; Errors name the file and the cause.
Result<Properties> load_properties_file(const std::string& path);

// Reads a whole file into a string; the Error names the file and the OS reason.
Result<std::string> read_text_file(const std::string& path);

}  // namespace sfpe::config
