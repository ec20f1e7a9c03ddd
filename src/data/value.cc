#include "data/value.h"

namespace sfpe::data {

const char* to_string(Type type) {
  switch (type) {
    case Type::kInt8: return "INT8";
    case Type::kInt16: return "INT16";
    case Type::kInt32: return "INT32";
    case Type::kInt64: return "INT64";
    case Type::kFloat32: return "FLOAT32";
    case Type::kFloat64: return "FLOAT64";
    case Type::kBoolean: return "BOOLEAN";
    case Type::kString: return "STRING";
    case Type::kBytes: return "BYTES";
    case Type::kArray: return "ARRAY";
    case Type::kMap: return "MAP";
    case Type::kStruct: return "STRUCT";
  }
  return "UNKNOWN";
}

const Field* Schema::field(std::string_view field_name) const {
  for (const auto& f : fields) {
    if (f.name == field_name) return &f;
  }
  return nullptr;
}

}  // namespace sfpe::data
