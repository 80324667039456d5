#include "csi/call_log.h"

#include <fmt/format.h>

#include "csi/printable.h"
#include "csi/status_codes.h"

namespace sscsi::csi {

CallLog::CallLog(spdlog::logger& logger, std::string_view method, std::string_view volume_id,
                 std::string_view target, Noise noise)
    : logger_(logger),
      method_(method),
      volume_id_(volume_id),
      target_(target),
      noise_(noise),
      start_(std::chrono::steady_clock::now()) {}

grpc::Status CallLog::done(grpc::Status status) {
  const auto level = !status.ok()                ? spdlog::level::warn
                     : noise_ == Noise::Frequent ? spdlog::level::trace
                                                 : spdlog::level::debug;
  if (!logger_.should_log(level)) return status;
  const double millis =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  std::string line = fmt::format("CSI {}", method_);
  if (!volume_id_.empty()) line += fmt::format(" volume={}", printable(volume_id_));
  if (!target_.empty()) line += fmt::format(" target={}", printable(target_));
  line += fmt::format(" duration={:.3f}ms code={}", millis, code_name(status.error_code()));
  if (!status.error_message().empty()) {
    line += fmt::format(" message={}", printable(status.error_message()));
  }
  logger_.log(level, "{}", line);
  return status;
}

}  // namespace sscsi::csi
