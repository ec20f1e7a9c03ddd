#include "common/result.h"

namespace sfpe {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kTransient:
      return "transient";
    case ErrorKind::kPermanent:
      return "permanent";
    case ErrorKind::kFatal:
      return "fatal";
  }
  return "unknown";
}

}  // namespace sfpe
