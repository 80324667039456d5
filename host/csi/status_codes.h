#pragma once
// gRPC status codes as the CSI layer uses them: the one-to-one mapping from the Publisher's
// outcome, and the canonical names used in logs and by sscsi-ctl ("INVALID_ARGUMENT").

#include <string_view>

#include <grpcpp/support/status_code_enum.h>

#include "publish/publisher.h"

namespace sscsi::csi {

// Publisher outcome -> gRPC code. A value outside the enum (a newer Publisher) maps to INTERNAL.
grpc::StatusCode to_grpc_code(publish::Status::Code code);

// "OK", "CANCELLED", …, "UNAUTHENTICATED"; "UNKNOWN_CODE" for a number outside 0..16.
std::string_view code_name(grpc::StatusCode code);

}  // namespace sscsi::csi
