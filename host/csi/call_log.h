#pragma once
// One log line per CSI call: method, volume id, target, duration, status code and message.
// It is given only those fields, so request contents (volume_context with its service-account
// tokens, `secrets`, mount flags) cannot reach the log through it; upstream's CVE-2023-2878 was
// a log line that printed the attributes.

#include <chrono>
#include <string>
#include <string_view>

#include <grpcpp/support/status.h>
#include <spdlog/logger.h>

namespace sscsi::csi {

class CallLog {
 public:
  enum class Noise {
    Normal,    // success at debug (-v 2 and up)
    Frequent,  // success at trace: calls a sidecar makes every few seconds (Probe)
  };

  CallLog(spdlog::logger& logger, std::string_view method, std::string_view volume_id = {},
          std::string_view target = {}, Noise noise = Noise::Normal);

  // Writes the line and hands the status back, so a handler ends with `return log.done(s);`.
  // Success is logged at debug (trace for Noise::Frequent); a failure at warn, since the kubelet
  // only shows the pod owner a FailedMount event and the operator needs the reason here.
  grpc::Status done(grpc::Status status);

 private:
  spdlog::logger& logger_;
  std::string method_;
  std::string volume_id_;
  std::string target_;
  Noise noise_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace sscsi::csi
