#pragma once
// The one Azure emulator of the sscsi_azure_provider_emulator_test binary (starting one takes
// about half a second; tests reset it instead), and the plugin configuration that routes every
// Azure host name to it.

#include <nlohmann/json.hpp>

#include "azure_emulator.h"

namespace sscsi::azure_test {

// Started on first use, stopped at exit.
testing_support::AzureEmulator& shared_emulator();

// caFile, connectTo, imdsEndpoint and nmiEndpoint for `azure`, and no retries (a failing request
// fails at once) unless a test sets maxRetries itself.
nlohmann::json emulator_config(const testing_support::AzureEmulator& azure);

}  // namespace sscsi::azure_test
