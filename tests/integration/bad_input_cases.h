#pragma once
// The table of bad inputs sent to a real sscsi-host over its CSI socket: malformed requests,
// SecretProviderClass problems, mock provider parameter errors and injected failures, and the
// broken test plugins' invalid answers. Each case names the exact gRPC status it must get.

#include <chrono>
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <grpcpp/support/status.h>

#include "csi_host.h"

namespace sscsi::testing_support {

// Paths of one case's host, substituted into case texts: {root}, {target}, {spc}, {content},
// and {loaded} (the loaded provider names as the host lists them).
struct CaseEnv {
  std::filesystem::path root;
  std::filesystem::path target;  // the case's kubelet target (pod uid "pod-1")
  std::filesystem::path spc;
  std::filesystem::path content;
  std::string loaded;
};

std::string expand(const std::string& text, const CaseEnv& env);

enum class MessageMatch {
  Exact,  // the status message equals `message` (after expand)
  Regex,  // the whole status message matches `message` (ECMAScript), for timing-dependent text
};

struct BadInput {
  std::string name;  // the gtest case name
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;
  MessageMatch match = MessageMatch::Exact;
  // Files written into --spc-dir before the call: {file name, YAML text (expanded)}.
  std::vector<std::pair<std::string, std::string>> spc_files;
  // Extra set-up in the case's root (files, links, mounts) before the call.
  std::function<void(const CaseEnv&)> prepare;
  // Sends the one RPC under test.
  std::function<grpc::Status(const CsiHost&, const CaseEnv&)> call;
  // A target the call names besides {target} whose state must not change (expanded; empty:
  // none).
  std::string other_target;
};

// The broken-plugin variants (tests/plugins) every case's host loads next to the mock.
const std::vector<std::string>& bad_input_plugins();

std::vector<BadInput> bad_input_cases();

// gtest prints a case by its name (instead of its bytes) in failure messages.
void PrintTo(const BadInput& input, std::ostream* out);

}  // namespace sscsi::testing_support
