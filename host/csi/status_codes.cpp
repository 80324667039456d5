#include "csi/status_codes.h"

#include <array>

namespace sscsi::csi {

grpc::StatusCode to_grpc_code(publish::Status::Code code) {
  using C = publish::Status::Code;
  switch (code) {
    case C::Ok:
      return grpc::StatusCode::OK;
    case C::InvalidArgument:
      return grpc::StatusCode::INVALID_ARGUMENT;
    case C::NotFound:
      return grpc::StatusCode::NOT_FOUND;
    case C::FailedPrecondition:
      return grpc::StatusCode::FAILED_PRECONDITION;
    case C::PermissionDenied:
      return grpc::StatusCode::PERMISSION_DENIED;
    case C::ResourceExhausted:
      return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case C::Unavailable:
      return grpc::StatusCode::UNAVAILABLE;
    case C::DeadlineExceeded:
      return grpc::StatusCode::DEADLINE_EXCEEDED;
    case C::Aborted:
      return grpc::StatusCode::ABORTED;
    case C::Internal:
      return grpc::StatusCode::INTERNAL;
  }
  return grpc::StatusCode::INTERNAL;
}

std::string_view code_name(grpc::StatusCode code) {
  // Indexed by the numeric code, which the gRPC protocol fixes (0..16).
  static constexpr std::array<std::string_view, 17> kNames = {
      "OK",
      "CANCELLED",
      "UNKNOWN",
      "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED",
      "NOT_FOUND",
      "ALREADY_EXISTS",
      "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION",
      "ABORTED",
      "OUT_OF_RANGE",
      "UNIMPLEMENTED",
      "INTERNAL",
      "UNAVAILABLE",
      "DATA_LOSS",
      "UNAUTHENTICATED",
  };
  const auto index = static_cast<std::size_t>(code);
  if (index < kNames.size()) return kNames[index];
  return "UNKNOWN_CODE";
}

}  // namespace sscsi::csi
