#pragma once
// Names of sscsi_status codes as SecretProviderClass authors write them (failWith) and as the
// mock_provider_mount_total metric labels them.

#include <sscsi/provider.h>

#include <optional>
#include <string_view>

namespace sscsi::mock {

// "InvalidParameters", "NotFound", …, "DeadlineExceeded"; "ok" for SSCSI_OK (the metric's label
// for success); "Unknown" for a value outside the ABI's list.
std::string_view status_name(sscsi_status code) noexcept;

// The code a failWith value names, or nullopt. Accepts exactly the names that make sense to
// inject: every error code except DeadlineExceeded (which is the host's to decide).
std::optional<sscsi_status> injectable_status(std::string_view name) noexcept;

// The accepted failWith names, comma-separated, for error messages.
std::string_view injectable_status_names() noexcept;

}  // namespace sscsi::mock
