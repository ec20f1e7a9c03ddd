// JSON Schema -> Connect schema (JsonSchemaData.toConnectSchema over everit's schema model).
// A schema object is first classified the way everit's loader does (load()), then converted.
#include "convert/json/json_schema_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "convert/error_codes.h"

namespace sfpe::convert::json {
namespace {

constexpr int kMaxConversionDepth = 256;
constexpr int kMaxConvertedSchemas = 100000;
constexpr std::string_view kConnectTypeProp = "connect.type";
constexpr std::string_view kConnectIndexProp = "connect.index";
constexpr std::string_view kConnectVersionProp = "connect.version";
constexpr std::string_view kConnectParametersProp = "connect.parameters";
constexpr std::string_view kNullEnumSymbol = "<NULL>";

Error schema_error(std::string message) {
  return Error::permanent(kCodeInvalidJsonSchema, std::move(message));
}

struct Document {
  std::string name;  // the reference name ("" for the root schema)
  std::string id;    // the root's "$id" (or draft-4 "id"), if any
  JsonValue root;
};

// What everit makes of one schema object.
enum class Kind {
  kBoolean,
  kNumber,
  kString,
  kNull,
  kObject,
  kArray,
  kEnum,
  kConst,
  kCombined,
  kRef,
  kUnsupported,
};
enum class Criterion { kAllOf, kAnyOf, kOneOf };

struct View {
  Kind kind = Kind::kUnsupported;
  const JsonValue* keywords = nullptr;  // the object holding this kind's keywords
  // The object whose title, default and connect.* properties apply: everit puts them on the
  // schema it returns for an object, so a part of an implicit allOf or of a "type" array has
  // none.
  const JsonValue* props = nullptr;
  const Document* doc = nullptr;
  bool integer = false;                     // kNumber
  Criterion criterion = Criterion::kAllOf;  // kCombined
  std::vector<View> subschemas;             // kCombined
  std::string unsupported;                  // kUnsupported: what it is
};

bool has_any(const JsonValue& schema, std::initializer_list<std::string_view> keys) {
  for (auto key : keys) {
    if (schema.find(key) != nullptr) return true;
  }
  return false;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string_view last_segment(std::string_view url) {
  auto slash = url.find_last_of('/');
  return slash == std::string_view::npos ? url : url.substr(slash + 1);
}

class Compiler {
 public:
  explicit Compiler(const JsonSchemaDataOptions& options) : options_(options) {}

  Status add_document(std::string name, std::string_view text) {
    auto parsed = parse_json(text, kCodeInvalidJsonSchema);
    if (!parsed.ok()) {
      return schema_error(
          name.empty() ? parsed.error().message
                       : fmt::format("schema reference \"{}\": {}", name, parsed.error().message));
    }
    auto doc = std::make_unique<Document>();
    doc->name = std::move(name);
    doc->root = std::move(parsed.value());
    for (auto key : {"$id", "id"}) {
      const JsonValue* id = doc->root.find(key);
      if (id != nullptr && id->is_string()) {
        doc->id = id->text();
        break;
      }
    }
    documents_.push_back(std::move(doc));
    return ok_status();
  }

  Result<ConnectNodePtr> compile() {
    const Document& root = *documents_.front();
    auto view = load(root.root, root);
    if (!view.ok()) return view.error();
    open_refs_.push_back(&root.root);  // so that "$ref": "#" is seen as recursion at once
    return convert(*view, false);
  }

 private:
  // --- everit's classification -------------------------------------------------------------

  Result<View> typed(const JsonValue& type, const JsonValue& schema, const Document& doc) {
    View view;
    view.keywords = &schema;
    view.doc = &doc;
    const std::string& name = type.text();
    if (name == "boolean") {
      view.kind = Kind::kBoolean;
    } else if (name == "integer" || name == "number") {
      view.kind = Kind::kNumber;
      view.integer = name == "integer";
    } else if (name == "string") {
      view.kind = Kind::kString;
    } else if (name == "null") {
      view.kind = Kind::kNull;
    } else if (name == "object") {
      view.kind = Kind::kObject;
    } else if (name == "array") {
      view.kind = Kind::kArray;
    } else {
      return schema_error(fmt::format("unknown type \"{}\"", name));
    }
    return view;
  }

  Result<View> load(const JsonValue& schema, const Document& doc) {
    View unsupported;
    unsupported.doc = &doc;
    if (schema.is_boolean()) {
      unsupported.unsupported = schema.boolean_value() ? "the schema true" : "the schema false";
      return unsupported;
    }
    if (!schema.is_object()) {
      return schema_error(fmt::format("a schema must be an object, got {}", schema.kind_name()));
    }
    std::vector<View> parts;
    auto part = [&](Kind kind) {
      View view;
      view.kind = kind;
      view.keywords = &schema;
      view.doc = &doc;
      parts.push_back(std::move(view));
    };
    if (const JsonValue* ref = schema.find("$ref")) {
      if (!ref->is_string()) return schema_error("\"$ref\" must be a string");
      part(Kind::kRef);
    }
    if (const JsonValue* type = schema.find("type")) {
      if (type->is_string()) {
        auto view = typed(*type, schema, doc);
        if (!view.ok()) return view;
        parts.push_back(std::move(view.value()));
      } else if (type->is_array()) {
        View any_of;
        any_of.kind = Kind::kCombined;
        any_of.criterion = Criterion::kAnyOf;
        any_of.keywords = &schema;
        any_of.doc = &doc;
        for (const auto& item : type->items()) {
          if (!item.is_string()) return schema_error("\"type\" array items must be strings");
          auto view = typed(item, schema, doc);
          if (!view.ok()) return view;
          any_of.subschemas.push_back(std::move(view.value()));
        }
        parts.push_back(std::move(any_of));
      } else {
        return schema_error("\"type\" must be a string or an array of strings");
      }
    } else {
      // Without "type", everit infers types from their keywords.
      if (has_any(schema,
                  {"properties", "additionalProperties", "required", "minProperties",
                   "maxProperties", "patternProperties", "dependencies", "propertyNames"})) {
        part(Kind::kObject);
      }
      if (has_any(schema, {"items", "additionalItems", "minItems", "maxItems", "uniqueItems",
                           "contains"})) {
        part(Kind::kArray);
      }
      if (has_any(schema,
                  {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"})) {
        part(Kind::kNumber);
      }
      if (has_any(schema, {"minLength", "maxLength", "pattern", "format"})) part(Kind::kString);
    }
    if (const JsonValue* values = schema.find("enum")) {
      if (!values->is_array()) return schema_error("\"enum\" must be an array");
      part(Kind::kEnum);
    }
    if (schema.find("const") != nullptr) part(Kind::kConst);
    static constexpr std::pair<const char*, Criterion> kCombiners[] = {
        {"allOf", Criterion::kAllOf}, {"anyOf", Criterion::kAnyOf}, {"oneOf", Criterion::kOneOf}};
    for (const auto& [keyword, criterion] : kCombiners) {
      const JsonValue* list = schema.find(keyword);
      if (list == nullptr) continue;
      if (!list->is_array() || list->items().empty()) {
        return schema_error(fmt::format("\"{}\" must be a non-empty array", keyword));
      }
      View combined;
      combined.kind = Kind::kCombined;
      combined.criterion = criterion;
      combined.keywords = &schema;
      combined.doc = &doc;
      for (const auto& item : list->items()) {
        auto view = load(item, doc);
        if (!view.ok()) return view;
        combined.subschemas.push_back(std::move(view.value()));
      }
      parts.push_back(std::move(combined));
    }
    if (schema.find("not") != nullptr) {
      unsupported.unsupported = "\"not\"";
      parts.push_back(unsupported);
    }
    if (schema.find("if") != nullptr) {
      unsupported.unsupported = "\"if\"/\"then\"/\"else\"";
      parts.push_back(unsupported);
    }
    if (parts.empty()) {
      unsupported.unsupported = "a schema without a type";
      parts.push_back(unsupported);
    }
    if (parts.size() == 1) {
      parts.front().props = &schema;
      return std::move(parts.front());
    }
    View all_of;
    all_of.kind = Kind::kCombined;
    all_of.criterion = Criterion::kAllOf;
    all_of.keywords = &schema;
    all_of.props = &schema;
    all_of.doc = &doc;
    all_of.subschemas = std::move(parts);
    return all_of;
  }

  // --- $ref ---------------------------------------------------------------------------------

  const Document* find_document(std::string_view url, const Document& from) const {
    auto matches = [&](std::string_view candidate) -> const Document* {
      for (const auto& doc : documents_) {
        if ((!doc->name.empty() && doc->name == candidate) ||
            (!doc->id.empty() && doc->id == candidate)) {
          return doc.get();
        }
      }
      return nullptr;
    };
    if (const Document* doc = matches(url)) return doc;
    // Relative to the referring document's $id (or name), e.g. $id
    // "https://example.com/customer.json" and "$ref": "address.json".
    const std::string& base = from.id.empty() ? from.name : from.id;
    if (url.find("://") == std::string_view::npos) {
      auto slash = base.find_last_of('/');
      if (slash != std::string::npos) {
        if (const Document* doc = matches(base.substr(0, slash + 1) + std::string(url))) {
          return doc;
        }
      }
    }
    // Last resort: the same file name.
    for (const auto& doc : documents_) {
      for (const std::string* candidate : {&doc->name, &doc->id}) {
        if (!candidate->empty() && last_segment(*candidate) == last_segment(url)) {
          return doc.get();
        }
      }
    }
    return nullptr;
  }

  struct Target {
    const JsonValue* schema;
    const Document* doc;
    std::string ref;
  };

  Result<Target> resolve(const View& ref_view) const {
    const std::string& ref = ref_view.keywords->find("$ref")->text();
    const auto hash = ref.find('#');
    const std::string_view url = std::string_view(ref).substr(0, hash);
    const std::string fragment =
        hash == std::string::npos ? "" : percent_decode(std::string_view(ref).substr(hash + 1));
    const Document* doc = url.empty() ? ref_view.doc : find_document(url, *ref_view.doc);
    if (doc == nullptr) {
      return schema_error(
          fmt::format("unresolved \"$ref\": \"{}\": no schema reference named \"{}\"", ref, url));
    }
    const JsonValue* target = &doc->root;
    if (!fragment.empty()) {
      if (fragment[0] != '/') {
        return schema_error(fmt::format(
            "\"$ref\": \"{}\": only JSON pointer fragments (#/...) are supported", ref));
      }
      size_t pos = 1;
      while (true) {
        const size_t end = std::min(fragment.find('/', pos), fragment.size());
        std::string token;
        for (size_t i = pos; i < end; ++i) {
          if (fragment[i] == '~' && i + 1 < end &&
              (fragment[i + 1] == '0' || fragment[i + 1] == '1')) {
            token += fragment[i + 1] == '0' ? '~' : '/';
            ++i;
          } else {
            token += fragment[i];
          }
        }
        const JsonValue* next = nullptr;
        if (target->is_object()) {
          next = target->find(token);
        } else if (target->is_array() && !token.empty() &&
                   token.find_first_not_of("0123456789") == std::string::npos &&
                   token.size() < 10 && std::stoul(token) < target->items().size()) {
          next = &target->items()[std::stoul(token)];
        }
        if (next == nullptr) {
          return schema_error(fmt::format("\"$ref\": \"{}\" points at nothing", ref));
        }
        target = next;
        if (end == fragment.size()) break;
        pos = end + 1;
      }
    }
    return Target{target, doc, ref};
  }

  // --- conversion -------------------------------------------------------------------------

  static const JsonValue* prop(const View& view, std::string_view key) {
    return view.props == nullptr ? nullptr : view.props->find(key);
  }

  std::string connect_type(const View& view) const {
    const JsonValue* type = prop(view, kConnectTypeProp);
    return type != nullptr && type->is_string() ? type->text() : "";
  }

  class DepthGuard {
   public:
    explicit DepthGuard(int& depth) : depth_(depth) { ++depth_; }
    ~DepthGuard() { --depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    int& depth_;
  };

  Result<ConnectNodePtr> convert(const View& view, bool force_optional) {
    DepthGuard guard(depth_);
    if (depth_ > kMaxConversionDepth) {
      return schema_error(fmt::format("schema nested deeper than {} levels", kMaxConversionDepth));
    }
    if (++converted_ > kMaxConvertedSchemas) {
      return schema_error(
          fmt::format("schema expands to more than {} schemas", kMaxConvertedSchemas));
    }
    data::Schema schema;
    auto node = std::make_shared<ConnectNode>();
    switch (view.kind) {
      case Kind::kRef: {
        auto target = resolve(view);
        if (!target.ok()) return target.error();
        for (const JsonValue* open : open_refs_) {
          if (open == target->schema) {
            return schema_error(fmt::format(
                "recursive schema: \"$ref\": \"{}\" refers to a schema that contains it; "
                "recursive Connect schemas are not supported",
                target->ref));
          }
        }
        auto loaded = load(*target->schema, *target->doc);
        if (!loaded.ok()) return loaded.error();
        open_refs_.push_back(target->schema);
        auto converted = convert(*loaded, force_optional);
        open_refs_.pop_back();
        return converted;
      }
      case Kind::kCombined: {
        if (view.criterion == Criterion::kAllOf) return convert_all_of(view, force_optional);
        const auto& subs = view.subschemas;
        if (subs.size() == 2 && (subs[0].kind == Kind::kNull || subs[1].kind == Kind::kNull)) {
          return convert(subs[0].kind == Kind::kNull ? subs[1] : subs[0], true);
        }
        if (subs.size() == 1 && options_.flatten_singleton_unions) {
          return convert(subs[0], force_optional);
        }
        schema.type = data::Type::kStruct;
        schema.name = std::string(kOneOfSchemaName);
        node->is_union = true;
        int index = 0;
        for (const auto& sub : subs) {
          if (sub.kind == Kind::kNull) {
            schema.optional = true;
            continue;
          }
          auto field = convert(sub, true);
          if (!field.ok()) return field;
          schema.fields.push_back(data::Field{fmt::format("{}.field.{}", kOneOfSchemaName, index),
                                              index, (*field)->schema});
          node->children.push_back(std::move(field.value()));
          ++index;
        }
        break;
      }
      case Kind::kBoolean:
        schema.type = data::Type::kBoolean;
        break;
      case Kind::kNumber: {
        const std::string type = connect_type(view);
        static const std::map<std::string, data::Type> kNumberTypes = {
            {"int8", data::Type::kInt8},       {"int16", data::Type::kInt16},
            {"int32", data::Type::kInt32},     {"int64", data::Type::kInt64},
            {"float32", data::Type::kFloat32}, {"float64", data::Type::kFloat64},
            {"bytes", data::Type::kBytes}};
        if (type.empty()) {
          schema.type = view.integer ? data::Type::kInt64 : data::Type::kFloat64;
        } else if (auto it = kNumberTypes.find(type); it != kNumberTypes.end()) {
          schema.type = it->second;
        } else {
          return schema_error(fmt::format("unsupported connect.type \"{}\" on a number", type));
        }
        break;
      }
      case Kind::kString: {
        schema.type = connect_type(view) == "bytes" ? data::Type::kBytes : data::Type::kString;
        const JsonValue* format = view.keywords->find("format");
        if (schema.type == data::Type::kString && format != nullptr && format->is_string() &&
            (format->text() == "date" || format->text() == "date-time" ||
             format->text() == "time")) {
          schema.parameters[std::string(kFormatParameter)] = format->text();
        }
        break;
      }
      case Kind::kEnum: {
        schema.type = data::Type::kString;
        const std::string prefix(kEnumParameter);
        schema.parameters[prefix] = "";  // JSON enums have no name
        for (const auto& symbol : view.keywords->find("enum")->items()) {
          const std::string text = symbol.is_string() ? symbol.text()
                                   : symbol.is_null() ? std::string(kNullEnumSymbol)
                                                      : symbol.dump();
          schema.parameters[prefix + "." + text] = text;
        }
        break;
      }
      case Kind::kArray: {
        const JsonValue* items = view.keywords->find("items");
        if (items == nullptr || items->is_array()) {
          return schema_error("array schema did not specify the items type");
        }
        auto item_view = load(*items, *view.doc);
        if (!item_view.ok()) return item_view.error();
        if (connect_type(view) == "map" && item_view->kind == Kind::kObject) {
          // A map with non-string keys: [{"key": k, "value": v}, ...].
          const JsonValue* properties = item_view->keywords->find("properties");
          const JsonValue* key = properties != nullptr ? properties->find("key") : nullptr;
          const JsonValue* value = properties != nullptr ? properties->find("value") : nullptr;
          if (key == nullptr || value == nullptr) {
            return schema_error(
                "map schema (array with connect.type map) needs items with "
                "\"key\" and \"value\" properties");
          }
          schema.type = data::Type::kMap;
          for (const JsonValue* part : {key, value}) {
            auto part_view = load(*part, *view.doc);
            if (!part_view.ok()) return part_view.error();
            auto converted = convert(*part_view, false);
            if (!converted.ok()) return converted;
            node->children.push_back(std::move(converted.value()));
          }
          schema.key_schema = node->children[0]->schema;
          schema.value_schema = node->children[1]->schema;
        } else {
          schema.type = data::Type::kArray;
          auto element = convert(*item_view, false);
          if (!element.ok()) return element;
          schema.value_schema = (*element)->schema;
          node->children.push_back(std::move(element.value()));
        }
        break;
      }
      case Kind::kObject: {
        if (connect_type(view) == "map") {
          const JsonValue* values = view.keywords->find("additionalProperties");
          if (values == nullptr || !values->is_object()) {
            return schema_error(
                "map schema (object with connect.type map) needs an "
                "\"additionalProperties\" schema");
          }
          auto value_view = load(*values, *view.doc);
          if (!value_view.ok()) return value_view.error();
          auto value = convert(*value_view, false);
          if (!value.ok()) return value;
          auto key = std::make_shared<ConnectNode>();
          auto key_schema = std::make_shared<data::Schema>();
          key_schema->type = data::Type::kString;
          key->schema = key_schema;
          schema.type = data::Type::kMap;
          schema.key_schema = key_schema;
          schema.value_schema = (*value)->schema;
          node->children = {key, std::move(value.value())};
          break;
        }
        schema.type = data::Type::kStruct;
        auto fields = struct_fields(view);
        if (!fields.ok()) return fields.error();
        for (auto& [name, field_node] : *fields) {
          const int index = static_cast<int>(schema.fields.size());
          schema.fields.push_back(data::Field{name, index, field_node->schema});
          node->children.push_back(std::move(field_node));
        }
        break;
      }
      case Kind::kNull:
        return schema_error("unsupported schema: a lone {\"type\": \"null\"}");
      case Kind::kConst:
        return schema_error("unsupported schema: a lone \"const\"");
      case Kind::kUnsupported:
        return schema_error(fmt::format("unsupported schema: {}", view.unsupported));
    }
    return finish(view, std::move(schema), std::move(node), force_optional);
  }

  // Properties in connect.index order (JsonSchemaData's TreeMap), each converted.
  Result<std::vector<std::pair<std::string, ConnectNodePtr>>> struct_fields(const View& view) {
    std::map<int64_t, const JsonValue::Member*> sorted;
    const JsonValue* properties = view.keywords->find("properties");
    if (properties != nullptr && !properties->is_object()) {
      return schema_error("\"properties\" must be an object");
    }
    if (properties != nullptr) {
      for (const auto& member : properties->members()) {
        int64_t index = static_cast<int64_t>(sorted.size());
        if (const JsonValue* given = member.second.find(kConnectIndexProp)) {
          if (!given->is_int32()) {
            return schema_error(
                fmt::format("property {}: connect.index must be an integer", member.first));
          }
          index = given->int_value();
        }
        sorted[index] = &member;
      }
    }
    std::set<std::string> required;
    if (const JsonValue* names = view.keywords->find("required"); names && names->is_array()) {
      for (const auto& name : names->items()) {
        if (name.is_string()) required.insert(name.text());
      }
    }
    std::vector<std::pair<std::string, ConnectNodePtr>> fields;
    for (const auto& [index, member] : sorted) {
      const bool optional =
          options_.use_optional_for_nonrequired && required.count(member->first) == 0;
      auto field_view = load(member->second, *view.doc);
      if (!field_view.ok()) return field_view.error();
      auto field = convert(*field_view, optional);
      if (!field.ok()) {
        return schema_error(fmt::format("property {}: {}", member->first, field.error().message));
      }
      fields.emplace_back(member->first, std::move(field.value()));
    }
    return fields;
  }

  struct PropertySource {
    const JsonValue* schema;
    const Document* doc;
    bool required;
  };

  // JsonSchemaData.collectPropertySchemas: the properties of every object reachable through
  // allOf and $ref, in first-seen order, later definitions replacing earlier ones.
  Status collect_properties(const View& view,
                            std::vector<std::pair<std::string, PropertySource>>& properties,
                            std::set<const JsonValue*>& visited) {
    if (view.kind == Kind::kCombined && view.criterion == Criterion::kAllOf) {
      for (const auto& sub : view.subschemas) {
        auto status = collect_properties(sub, properties, visited);
        if (!status.ok()) return status;
      }
    } else if (view.kind == Kind::kObject) {
      std::set<std::string> required;
      if (const JsonValue* names = view.keywords->find("required"); names && names->is_array()) {
        for (const auto& name : names->items()) {
          if (name.is_string()) required.insert(name.text());
        }
      }
      const JsonValue* object_properties = view.keywords->find("properties");
      if (object_properties == nullptr || !object_properties->is_object()) return ok_status();
      for (const auto& member : object_properties->members()) {
        const std::string& name = member.first;
        PropertySource source{&member.second, view.doc, required.count(name) != 0};
        auto it = std::find_if(properties.begin(), properties.end(),
                               [&name](const auto& entry) { return entry.first == name; });
        if (it == properties.end()) {
          properties.emplace_back(name, source);
        } else {
          it->second = source;
        }
      }
    } else if (view.kind == Kind::kRef) {
      auto target = resolve(view);
      if (!target.ok()) return target.error();
      if (!visited.insert(target->schema).second) return ok_status();
      auto loaded = load(*target->schema, *target->doc);
      if (!loaded.ok()) return loaded.error();
      return collect_properties(*loaded, properties, visited);
    }
    return ok_status();
  }

  // JsonSchemaData.allOfToConnectSchema.
  Result<ConnectNodePtr> convert_all_of(const View& view, bool force_optional) {
    const View* const_view = nullptr;
    const View* enum_view = nullptr;
    const View* number_view = nullptr;
    const View* string_view = nullptr;
    const View* combined_view = nullptr;
    const View* ref_view = nullptr;
    std::vector<std::pair<std::string, PropertySource>> properties;
    std::set<const JsonValue*> visited;
    for (const auto& sub : view.subschemas) {
      switch (sub.kind) {
        case Kind::kConst:
          const_view = &sub;
          break;
        case Kind::kEnum:
          enum_view = &sub;
          break;
        case Kind::kNumber:
          number_view = &sub;
          break;
        case Kind::kString:
          string_view = &sub;
          break;
        case Kind::kCombined:
          combined_view = &sub;
          break;
        case Kind::kRef:
          ref_view = &sub;
          break;
        default:
          break;
      }
      auto status = collect_properties(sub, properties, visited);
      if (!status.ok()) return status.error();
    }
    if (!properties.empty()) {
      data::Schema schema;
      schema.type = data::Type::kStruct;
      schema.optional = force_optional;
      auto node = std::make_shared<ConnectNode>();
      for (const auto& [name, source] : properties) {
        auto field_view = load(*source.schema, *source.doc);
        if (!field_view.ok()) return field_view.error();
        auto field =
            convert(*field_view, options_.use_optional_for_nonrequired && !source.required);
        if (!field.ok()) {
          return schema_error(fmt::format("property {}: {}", name, field.error().message));
        }
        schema.fields.push_back(
            data::Field{name, static_cast<int>(schema.fields.size()), (*field)->schema});
        node->children.push_back(std::move(field.value()));
      }
      node->schema = std::make_shared<const data::Schema>(std::move(schema));
      return ConnectNodePtr(std::move(node));
    }
    if (combined_view != nullptr) return convert(*combined_view, force_optional);
    if (const_view != nullptr) {
      if (string_view != nullptr) return convert(*string_view, force_optional);
      if (number_view != nullptr) return convert(*number_view, force_optional);
    } else if (enum_view != nullptr) {
      if (string_view != nullptr) return convert(*enum_view, force_optional);
      if (number_view != nullptr) return convert(*number_view, force_optional);
    } else if (string_view != nullptr && string_view->keywords->find("format") != nullptr) {
      return convert(number_view != nullptr ? *number_view : *string_view, force_optional);
    } else if (ref_view != nullptr) {
      return convert(*ref_view, force_optional);
    }
    return schema_error("unsupported allOf combination");
  }

  // The properties every converted schema takes from its JSON Schema object: title -> name,
  // connect.version, connect.parameters, default; then the optional flag.
  Result<ConnectNodePtr> finish(const View& view, data::Schema schema,
                                std::shared_ptr<ConnectNode> node, bool force_optional) {
    const JsonValue* default_value = nullptr;
    if (view.props != nullptr) {
      const JsonValue* title = view.props->find("title");
      if (title != nullptr && title->is_string() && schema.name.empty()) {
        schema.name = title->text();
      }
      if (const JsonValue* version = view.props->find(kConnectVersionProp)) {
        if (!version->is_int32()) return schema_error("connect.version must be an integer");
        schema.version = static_cast<int>(version->int_value());
      }
      if (const JsonValue* parameters = view.props->find(kConnectParametersProp)) {
        if (!parameters->is_object()) return schema_error("connect.parameters must be an object");
        for (const auto& [key, value] : parameters->members()) {
          schema.parameters[key] = value.is_string() ? value.text() : value.dump();
        }
      }
      default_value = view.props->find("default");
    }
    if (schema.name == data::kDecimalLogical && !decimal_scale(schema)) {
      return schema_error(
          "org.apache.kafka.connect.data.Decimal needs an integer connect.parameters.scale");
    }
    const bool optional_before = schema.optional;
    schema.optional = schema.optional || force_optional;
    node->schema = std::make_shared<const data::Schema>(std::move(schema));
    if (default_value != nullptr) {
      // Converted before optional() is applied, so a null default on a required schema fails.
      if (default_value->is_null() && !optional_before) {
        return schema_error(fmt::format("default: null value for required {} field",
                                        data::to_string(node->schema->type)));
      }
      if (!default_value->is_null()) {
        ReadOptions read_options;
        read_options.missing_is_null = true;
        auto converted = read_value(*node, default_value, read_options, kCodeInvalidJsonSchema);
        if (!converted.ok()) {
          return schema_error(fmt::format("default: {}", converted.error().message));
        }
        node->default_value = std::move(converted.value());
      }
    }
    return ConnectNodePtr(std::move(node));
  }

  const JsonSchemaDataOptions options_;
  std::vector<std::unique_ptr<Document>> documents_;  // [0] is the root schema
  std::vector<const JsonValue*> open_refs_;           // $ref targets being converted
  int depth_ = 0;
  int converted_ = 0;
};

}  // namespace

Result<ConnectNodePtr> to_connect_schema(std::string_view schema_text,
                                         const std::vector<ReferencedSchema>& references,
                                         const JsonSchemaDataOptions& options) {
  Compiler compiler(options);
  auto root = compiler.add_document("", schema_text);
  if (!root.ok()) return root.error();
  for (const auto& reference : references) {
    auto added = compiler.add_document(reference.name, reference.text);
    if (!added.ok()) return added.error();
  }
  return compiler.compile();
}

Result<data::Value> to_connect_data(const ConnectNode& root, std::string_view payload) {
  auto json = parse_json(payload, kCodeInvalidJsonData);
  if (!json.ok()) return json.error();
  ReadOptions options;
  options.missing_is_null = true;
  options.map_entries = ReadOptions::MapEntries::kKeyValueObjects;
  return read_value(root, &json.value(), options, kCodeInvalidJsonData);
}

}  // namespace sfpe::convert::json
