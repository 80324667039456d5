// The Azure plugin end to end: sscsi-host over CSI, the plugin, the emulator over HTTPS.

#include <gtest/gtest.h>

#include "azure_host.h"
#include "volume_files.h"

namespace sscsi::testing_support {
namespace {

TEST(AzurePublish, WorkloadIdentitySecretReachesThePodFile) {
  AzureHost env;
  env.azure().register_workload_identity(kWorkloadClientId, kWorkloadSubject, {kVault},
                                         AzureEmulator::kWorkloadAudience, kTenant);
  const std::string version = env.azure().create_secret(kVault, "db-password", "s3cret-e2e");
  const auto target = env.host().kubelet_target("pod-1");
  const grpc::Status status = env.publish(
      "wi",
      AzureHost::workload_parameters(
          azure_objects_yaml({{{"objectName", "db-password"}, {"objectType", "secret"}}})),
      "pod-1", target);
  ASSERT_TRUE(status.ok()) << status.error_message() << "\n" << env.host().log();
  const auto files = read_volume(target);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files.at("db-password").content, "s3cret-e2e");
  EXPECT_EQ(files.at("db-password").mode, 0644u);
}

}  // namespace
}  // namespace sscsi::testing_support
