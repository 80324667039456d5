#include "shared_emulator.h"

namespace sscsi::azure_test {

testing_support::AzureEmulator& shared_emulator() {
  static testing_support::AzureEmulator azure;
  return azure;
}

nlohmann::json emulator_config(const testing_support::AzureEmulator& azure) {
  return {{"caFile", azure.ca_file().string()},
          {"connectTo", azure.connect_to()},
          {"imdsEndpoint", azure.imds_endpoint()},
          {"nmiEndpoint", azure.nmi_endpoint()},
          {"maxRetries", 0}};
}

}  // namespace sscsi::azure_test
