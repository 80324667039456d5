// Every bad input of bad_input_cases.cpp against its own sscsi-host: the exact gRPC status code
// and message, and afterwards the target exactly as it was (no mount, no record, the directory
// unchanged), since a failed first publish must leave nothing behind.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bad_input_cases.h"
#include "csi_host.h"
#include "mount_table.h"
#include "volume_files.h"

namespace sscsi {
namespace {

namespace fs = std::filesystem;
using testing_support::BadInput;
using testing_support::CaseEnv;
using testing_support::CsiHost;
using testing_support::CsiHostSetup;
using testing_support::expand;
using testing_support::MessageMatch;
using testing_support::target_state;

std::string loaded_providers() {
  std::vector<std::string> names = testing_support::bad_input_plugins();
  names.push_back("mock");
  std::sort(names.begin(), names.end());
  return fmt::format("{}", fmt::join(names, ", "));
}

bool is_below(const fs::path& path, const fs::path& root) {
  const std::string p = path.string();
  return p.size() > root.string().size() && p.starts_with(root.string() + "/");
}

// The name the host's call log uses for a status code (gRPC's own spelling).
std::string code_name(grpc::StatusCode code) {
  static const std::vector<std::string> kNames{"OK",
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
                                               "UNAUTHENTICATED"};
  const auto index = static_cast<std::size_t>(code);
  return index < kNames.size() ? kNames[index] : std::to_string(index);
}

class BadInputs : public testing::TestWithParam<BadInput> {
 protected:
  CsiHost host_{CsiHostSetup{.test_plugins = testing_support::bad_input_plugins()}};
};

TEST_P(BadInputs, RefusedAndTargetUnchanged) {
  const BadInput& input = GetParam();
  host_.start();
  const CaseEnv env{host_.root(), host_.kubelet_target("pod-1"), host_.spc_dir(),
                    host_.content_dir(), loaded_providers()};
  for (const auto& [file, text] : input.spc_files) host_.write_spc_file(file, expand(text, env));
  if (input.prepare) input.prepare(env);

  std::vector<fs::path> watched{env.target};
  const fs::path other = expand(input.other_target, env);
  if (other != env.target && other.string().find('\0') == std::string::npos &&
      is_below(other, env.root)) {
    watched.push_back(other);
  }
  std::vector<testing_support::TargetState> before;
  for (const fs::path& path : watched) before.push_back(target_state(path));
  const auto mounts_before = testing_support::mounts_under(env.root).size();
  const auto records_before = host_.records();

  const grpc::Status status = input.call(host_, env);
  // The host logs each failed call once it has answered, i.e. after undoing a failed first
  // mount; a caller whose deadline passed may hear back before that.
  EXPECT_TRUE(host_.wait_for_log(" code=" + code_name(input.code), std::chrono::seconds(15)))
      << "no call log line with code " << code_name(input.code) << ":\n"
      << host_.log();

  EXPECT_EQ(status.error_code(), input.code)
      << "message: " << status.error_message() << "\nhost log:\n"
      << host_.log();
  const std::string expected = expand(input.message, env);
  if (input.match == MessageMatch::Exact) {
    EXPECT_EQ(status.error_message(), expected);
  } else {
    EXPECT_TRUE(std::regex_match(status.error_message(), std::regex(expected)))
        << status.error_message() << "\ndoes not match\n"
        << expected;
  }

  for (std::size_t i = 0; i < watched.size(); ++i) {
    const auto after = target_state(watched[i]);
    EXPECT_EQ(after, before[i]) << watched[i] << "\nbefore: " << describe(before[i])
                                << "\nafter:  " << describe(after);
  }
  EXPECT_EQ(testing_support::mounts_under(env.root).size(), mounts_before);
  EXPECT_EQ(host_.records(), records_before);
}

INSTANTIATE_TEST_SUITE_P(Csi, BadInputs, testing::ValuesIn(testing_support::bad_input_cases()),
                         [](const testing::TestParamInfo<BadInput>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace
}  // namespace sscsi
