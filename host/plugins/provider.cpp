#include "plugins/provider.h"

namespace sscsi::plugins {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidParameters:
      return "InvalidParameters";
    case ErrorCode::NotFound:
      return "NotFound";
    case ErrorCode::Unauthorized:
      return "Unauthorized";
    case ErrorCode::Throttled:
      return "Throttled";
    case ErrorCode::Unavailable:
      return "Unavailable";
    case ErrorCode::Internal:
      return "Internal";
    case ErrorCode::DeadlineExceeded:
      return "DeadlineExceeded";
    case ErrorCode::InvalidAnswer:
      return "InvalidAnswer";
    case ErrorCode::Cancelled:
      return "Cancelled";
  }
  return "Internal";
}

}  // namespace sscsi::plugins
