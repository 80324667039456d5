#include "rotation/admin_service.h"

#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace sscsi::rotation {
namespace {

using Code = publish::Status::Code;

// The same mapping as the CSI services', kept here because rotation/ does not include csi/.
grpc::StatusCode grpc_code(Code code) {
  switch (code) {
    case Code::Ok:
      return grpc::StatusCode::OK;
    case Code::InvalidArgument:
      return grpc::StatusCode::INVALID_ARGUMENT;
    case Code::NotFound:
      return grpc::StatusCode::NOT_FOUND;
    case Code::FailedPrecondition:
      return grpc::StatusCode::FAILED_PRECONDITION;
    case Code::PermissionDenied:
      return grpc::StatusCode::PERMISSION_DENIED;
    case Code::ResourceExhausted:
      return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case Code::Unavailable:
      return grpc::StatusCode::UNAVAILABLE;
    case Code::DeadlineExceeded:
      return grpc::StatusCode::DEADLINE_EXCEEDED;
    case Code::Aborted:
      return grpc::StatusCode::ABORTED;
    case Code::Internal:
      return grpc::StatusCode::INTERNAL;
  }
  return grpc::StatusCode::INTERNAL;
}

// Why `path` cannot name a mount, or "" when it can: absolute and clean, as the kubelet sends
// target paths.
std::string path_problem(const std::string& path) {
  if (path.empty()) return "target_path is empty";
  if (path.size() > 4096) return "target_path is longer than 4096 bytes";
  if (path.find('\0') != std::string::npos) return "target_path contains a NUL byte";
  if (path.front() != '/') return fmt::format("target_path {} is not absolute", path);
  const bool clean = path == "/" || (std::filesystem::path(path).lexically_normal() == path &&
                                     !path.ends_with('/'));
  if (!clean) {
    return fmt::format("target_path {} is not clean (no '.', '..', '//' or trailing '/')", path);
  }
  return "";
}

}  // namespace

grpc::Status AdminService::Refresh(grpc::ServerContext* /*context*/,
                                   const ::sscsi::admin::v1::RefreshRequest* request,
                                   ::sscsi::admin::v1::RefreshResponse* response) {
  const std::string& target = request->target_path();
  if (const std::string problem = path_problem(target); !problem.empty()) {
    return {grpc::StatusCode::INVALID_ARGUMENT, problem};
  }
  const publish::RefreshOutcome outcome = refresher_.refresh(target, true);
  if (!outcome.status.ok()) {
    spdlog::info("forced refresh of {} failed: {}", target, outcome.status.message);
    return {grpc_code(outcome.status.code), outcome.status.message};
  }
  response->set_rotated(outcome.rotated);
  response->set_message(outcome.rotated ? fmt::format("refreshed {}: new content written", target)
                                        : fmt::format("refreshed {}: content unchanged", target));
  spdlog::info("forced refresh of {}: {}", target,
               outcome.rotated ? "new content written" : "content unchanged");
  return grpc::Status::OK;
}

}  // namespace sscsi::rotation
