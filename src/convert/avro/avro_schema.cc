// Avro schema JSON parser: primitives, named types with namespaces and references, complex
// types and logical types, following the Avro specification.
#include "convert/avro/avro_schema.h"

#include <fmt/format.h>

#include <cmath>
#include <set>
#include <string_view>

#include "convert/error_codes.h"

namespace sfpe::convert::avro {
namespace {

// Nesting deeper than this is refused, so that neither parsing nor decoding can exhaust the
// stack on a hostile schema.
constexpr int kMaxDepth = 32;

const std::map<std::string_view, AvroType>& primitive_types() {
  static const std::map<std::string_view, AvroType> kPrimitives = {
      {"null", AvroType::kNull},   {"boolean", AvroType::kBoolean}, {"int", AvroType::kInt},
      {"long", AvroType::kLong},   {"float", AvroType::kFloat},     {"double", AvroType::kDouble},
      {"bytes", AvroType::kBytes}, {"string", AvroType::kString},
  };
  return kPrimitives;
}

Error schema_error(std::string message) {
  return Error::permanent(kCodeInvalidAvroSchema, "invalid Avro schema: " + message);
}

// Avro names: [A-Za-z_][A-Za-z0-9_]* ("Names" in the specification).
bool valid_simple_name(std::string_view name) {
  if (name.empty()) return false;
  auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!letter(name[0])) return false;
  for (char c : name.substr(1)) {
    if (!letter(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool valid_full_name(std::string_view name) {
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    if (!valid_simple_name(name.substr(start, dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// Largest decimal precision a fixed of `size` bytes can hold ("Decimal" in the specification).
int64_t max_fixed_precision(int64_t size) {
  if (size <= 0) return 0;
  if (size > 1024) return INT32_MAX;
  return static_cast<int64_t>(std::floor(std::log10(2.0) * static_cast<double>(8 * size - 1)));
}

class Parser {
 public:
  explicit Parser(std::vector<std::unique_ptr<AvroNode>>& nodes) : nodes_(nodes) {}

  Result<const AvroNode*> parse(const nlohmann::json& json, const std::string& ns, int depth) {
    if (depth > kMaxDepth) {
      return schema_error(fmt::format("nested deeper than {} levels", kMaxDepth));
    }
    if (json.is_string()) return parse_name_reference(json.get<std::string>(), ns);
    if (json.is_array()) return parse_union(json, ns, depth);
    if (!json.is_object()) {
      return schema_error(fmt::format("expected a type name, object or array, got {}",
                                      json.dump(-1, ' ', false, kReplace)));
    }
    auto type_it = json.find("type");
    if (type_it == json.end() || !type_it->is_string()) {
      return schema_error(fmt::format("object without a \"type\" string: {}", abbreviate(json)));
    }
    const std::string type = type_it->get<std::string>();
    if (type == "record" || type == "error") return parse_record(json, ns, depth);
    if (type == "enum") return parse_enum(json, ns);
    if (type == "fixed") return parse_fixed(json, ns);
    if (type == "array" || type == "map") return parse_container(json, type, ns, depth);
    auto primitive = primitive_types().find(type);
    if (primitive != primitive_types().end()) {
      AvroNode* node = add(primitive->second);
      auto annotated = read_annotations(json, *node);
      if (!annotated.ok()) return annotated.error();
      return node;
    }
    // {"type": "com.example.Named"}: a reference written as an object.
    return parse_name_reference(type, ns);
  }

 private:
  static constexpr auto kReplace = nlohmann::json::error_handler_t::replace;

  static std::string abbreviate(const nlohmann::json& json) {
    std::string text = json.dump(-1, ' ', false, kReplace);
    return text.size() > 120 ? text.substr(0, 120) + "..." : text;
  }

  AvroNode* add(AvroType type) {
    nodes_.push_back(std::make_unique<AvroNode>());
    nodes_.back()->type = type;
    return nodes_.back().get();
  }

  Result<const AvroNode*> parse_name_reference(const std::string& name, const std::string& ns) {
    auto primitive = primitive_types().find(name);
    if (primitive != primitive_types().end())
      return static_cast<const AvroNode*>(add(primitive->second));
    // A name without a dot is looked up in the enclosing namespace, then in the null namespace.
    if (name.find('.') == std::string::npos && !ns.empty()) {
      auto it = named_.find(ns + "." + name);
      if (it != named_.end()) return it->second;
    }
    auto it = named_.find(name);
    if (it != named_.end()) return it->second;
    return schema_error(fmt::format("unknown type \"{}\"", name));
  }

  // Sets full_name of a record, enum or fixed and registers it; returns its namespace.
  Result<std::string> define_name(const nlohmann::json& json, AvroNode& node,
                                  const std::string& enclosing_ns) {
    auto name_it = json.find("name");
    if (name_it == json.end() || !name_it->is_string()) {
      return schema_error(
          fmt::format("{} without a \"name\": {}", to_string(node.type), abbreviate(json)));
    }
    std::string name = name_it->get<std::string>();
    std::string ns = enclosing_ns;
    auto last_dot = name.rfind('.');
    if (last_dot != std::string::npos) {
      ns = name.substr(0, last_dot);
      name = name.substr(last_dot + 1);
    } else if (auto ns_it = json.find("namespace"); ns_it != json.end() && !ns_it->is_null()) {
      if (!ns_it->is_string()) return schema_error(fmt::format("{}: bad \"namespace\"", name));
      ns = ns_it->get<std::string>();
    }
    if (!valid_simple_name(name) || (!ns.empty() && !valid_full_name(ns))) {
      return schema_error(fmt::format("invalid name \"{}{}{}\"", ns, ns.empty() ? "" : ".", name));
    }
    if (primitive_types().count(name) != 0) {
      return schema_error(fmt::format("a named type may not be called \"{}\"", name));
    }
    node.full_name = ns.empty() ? name : ns + "." + name;
    if (!named_.emplace(node.full_name, &node).second) {
      return schema_error(fmt::format("type \"{}\" is defined twice", node.full_name));
    }
    auto annotated = read_annotations(json, node);
    if (!annotated.ok()) return annotated.error();
    return ns;
  }

  Result<const AvroNode*> parse_record(const nlohmann::json& json, const std::string& ns,
                                       int depth) {
    AvroNode* node = add(AvroType::kRecord);
    auto record_ns = define_name(json, *node, ns);  // before the fields: they may refer to it
    if (!record_ns.ok()) return record_ns.error();
    auto fields = json.find("fields");
    if (fields == json.end() || !fields->is_array()) {
      return schema_error(fmt::format("record {} without a \"fields\" array", node->full_name));
    }
    std::set<std::string> seen;
    for (const auto& field : *fields) {
      if (!field.is_object() || !field.contains("name") || !field["name"].is_string()) {
        return schema_error(fmt::format("record {}: a field without a \"name\"", node->full_name));
      }
      std::string name = field["name"].get<std::string>();
      if (!valid_simple_name(name)) {
        return schema_error(
            fmt::format("record {}: invalid field name \"{}\"", node->full_name, name));
      }
      if (!seen.insert(name).second) {
        return schema_error(
            fmt::format("record {}: field \"{}\" is defined twice", node->full_name, name));
      }
      auto type_it = field.find("type");
      if (type_it == field.end()) {
        return schema_error(
            fmt::format("record {}: field \"{}\" has no \"type\"", node->full_name, name));
      }
      auto type = parse(*type_it, *record_ns, depth + 1);
      if (!type.ok()) return type.error();
      node->fields.push_back({std::move(name), *type});
    }
    return static_cast<const AvroNode*>(node);
  }

  Result<const AvroNode*> parse_enum(const nlohmann::json& json, const std::string& ns) {
    AvroNode* node = add(AvroType::kEnum);
    auto enum_ns = define_name(json, *node, ns);
    if (!enum_ns.ok()) return enum_ns.error();
    auto symbols = json.find("symbols");
    if (symbols == json.end() || !symbols->is_array()) {
      return schema_error(fmt::format("enum {} without a \"symbols\" array", node->full_name));
    }
    std::set<std::string> seen;
    for (const auto& symbol : *symbols) {
      if (!symbol.is_string() || !valid_simple_name(symbol.get<std::string>()) ||
          !seen.insert(symbol.get<std::string>()).second) {
        return schema_error(fmt::format("enum {}: invalid or repeated symbol {}", node->full_name,
                                        abbreviate(symbol)));
      }
      node->symbols.push_back(symbol.get<std::string>());
    }
    return static_cast<const AvroNode*>(node);
  }

  Result<const AvroNode*> parse_fixed(const nlohmann::json& json, const std::string& ns) {
    AvroNode* node = add(AvroType::kFixed);
    auto fixed_ns = define_name(json, *node, ns);
    if (!fixed_ns.ok()) return fixed_ns.error();
    auto size = json.find("size");
    if (size == json.end() || !size->is_number_integer() || size->get<int64_t>() < 0 ||
        size->get<int64_t>() > INT32_MAX) {
      return schema_error(
          fmt::format("fixed {} needs a \"size\" between 0 and {}", node->full_name, INT32_MAX));
    }
    node->fixed_size = size->get<int64_t>();
    read_logical_type(json, *node);
    return static_cast<const AvroNode*>(node);
  }

  Result<const AvroNode*> parse_container(const nlohmann::json& json, const std::string& type,
                                          const std::string& ns, int depth) {
    const char* key = type == "array" ? "items" : "values";
    auto child = json.find(key);
    if (child == json.end()) return schema_error(fmt::format("{} without \"{}\"", type, key));
    auto parsed = parse(*child, ns, depth + 1);
    if (!parsed.ok()) return parsed.error();
    AvroNode* node = add(type == "array" ? AvroType::kArray : AvroType::kMap);
    node->items = *parsed;
    auto annotated = read_annotations(json, *node);
    if (!annotated.ok()) return annotated.error();
    return static_cast<const AvroNode*>(node);
  }

  Result<const AvroNode*> parse_union(const nlohmann::json& json, const std::string& ns,
                                      int depth) {
    AvroNode* node = add(AvroType::kUnion);
    std::set<std::string> seen;
    for (const auto& branch_json : json) {
      auto branch = parse(branch_json, ns, depth + 1);
      if (!branch.ok()) return branch.error();
      const AvroNode* branch_node = *branch;
      if (branch_node->type == AvroType::kUnion) {
        return schema_error("a union may not contain a union directly");
      }
      // "Unions may not contain more than one schema with the same type, except for the named
      // types record, fixed and enum."
      std::string key =
          branch_node->full_name.empty() ? to_string(branch_node->type) : branch_node->full_name;
      if (!seen.insert(key).second) {
        return schema_error(fmt::format("union contains \"{}\" twice", key));
      }
      node->branches.push_back(branch_node);
    }
    return static_cast<const AvroNode*>(node);
  }

  // logicalType, connect.* annotations.
  Status read_annotations(const nlohmann::json& json, AvroNode& node) {
    read_logical_type(json, node);
    if (auto it = json.find("connect.name"); it != json.end()) {
      if (!it->is_string()) return schema_error("\"connect.name\" must be a string");
      node.connect_name = it->get<std::string>();
    }
    if (auto it = json.find("connect.version"); it != json.end()) {
      if (!it->is_number_integer()) return schema_error("\"connect.version\" must be an integer");
      node.connect_version = it->get<int>();
    }
    if (auto it = json.find("connect.type"); it != json.end() && it->is_string()) {
      node.connect_type = it->get<std::string>();
    }
    if (auto it = json.find("connect.parameters"); it != json.end()) {
      if (!it->is_object()) return schema_error("\"connect.parameters\" must be an object");
      for (const auto& [key, value] : it->items()) {
        if (!value.is_string()) {
          return schema_error(fmt::format("connect.parameters \"{}\" must be a string", key));
        }
        node.connect_parameters[key] = value.get<std::string>();
      }
    }
    return ok_status();
  }

  static void read_logical_type(const nlohmann::json& json, AvroNode& node) {
    auto it = json.find("logicalType");
    if (it == json.end() || !it->is_string()) return;
    const std::string name = it->get<std::string>();
    const AvroType base = node.type;
    if (name == "date" && base == AvroType::kInt) {
      node.logical = LogicalType::kDate;
    } else if (name == "time-millis" && base == AvroType::kInt) {
      node.logical = LogicalType::kTimeMillis;
    } else if (name == "time-micros" && base == AvroType::kLong) {
      node.logical = LogicalType::kTimeMicros;
    } else if (name == "timestamp-millis" && base == AvroType::kLong) {
      node.logical = LogicalType::kTimestampMillis;
    } else if (name == "timestamp-micros" && base == AvroType::kLong) {
      node.logical = LogicalType::kTimestampMicros;
    } else if (name == "decimal" && (base == AvroType::kBytes || base == AvroType::kFixed)) {
      auto precision = json.find("precision");
      auto scale = json.find("scale");
      if (precision == json.end() || !precision->is_number_integer()) return;
      if (scale != json.end() && !scale->is_number_integer()) return;
      int64_t p = precision->get<int64_t>();
      int64_t s = scale == json.end() ? 0 : scale->get<int64_t>();
      if (p <= 0 || p > INT32_MAX || s < 0 || s > p) return;
      if (base == AvroType::kFixed && p > max_fixed_precision(node.fixed_size)) return;
      node.logical = LogicalType::kDecimal;
      node.decimal_precision = static_cast<int>(p);
      node.decimal_scale = static_cast<int>(s);
    }
  }

  std::vector<std::unique_ptr<AvroNode>>& nodes_;
  std::map<std::string, const AvroNode*> named_;
};

}  // namespace

const char* to_string(AvroType type) {
  switch (type) {
    case AvroType::kNull:
      return "null";
    case AvroType::kBoolean:
      return "boolean";
    case AvroType::kInt:
      return "int";
    case AvroType::kLong:
      return "long";
    case AvroType::kFloat:
      return "float";
    case AvroType::kDouble:
      return "double";
    case AvroType::kBytes:
      return "bytes";
    case AvroType::kString:
      return "string";
    case AvroType::kRecord:
      return "record";
    case AvroType::kEnum:
      return "enum";
    case AvroType::kArray:
      return "array";
    case AvroType::kMap:
      return "map";
    case AvroType::kUnion:
      return "union";
    case AvroType::kFixed:
      return "fixed";
  }
  return "unknown";
}

std::string AvroNode::simple_name() const {
  auto dot = full_name.rfind('.');
  return dot == std::string::npos ? full_name : full_name.substr(dot + 1);
}

Result<AvroSchema> AvroSchema::parse(const nlohmann::json& schema,
                                     const std::vector<nlohmann::json>& referenced) {
  AvroSchema result;
  Parser parser(result.nodes_);
  for (const auto& dependency : referenced) {
    auto parsed = parser.parse(dependency, "", 0);
    if (!parsed.ok()) return parsed.error();
  }
  auto root = parser.parse(schema, "", 0);
  if (!root.ok()) return root.error();
  result.root_ = *root;
  return result;
}

Result<AvroSchema> AvroSchema::parse_text(const std::string& schema_text,
                                          const std::vector<std::string>& referenced) {
  auto to_json = [](const std::string& text) {
    return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  };
  std::vector<nlohmann::json> dependencies;
  for (const auto& text : referenced) {
    dependencies.push_back(to_json(text));
    if (dependencies.back().is_discarded()) {
      return schema_error("a referenced schema is not valid JSON");
    }
  }
  auto json = to_json(schema_text);
  if (json.is_discarded()) return schema_error("not valid JSON");
  return parse(json, dependencies);
}

}  // namespace sfpe::convert::avro
