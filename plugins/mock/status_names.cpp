#include "status_names.h"

#include <array>
#include <utility>

namespace sscsi::mock {
namespace {

constexpr std::array<std::pair<std::string_view, sscsi_status>, 6> kInjectable{{
    {"InvalidParameters", SSCSI_INVALID_PARAMETERS},
    {"NotFound", SSCSI_NOT_FOUND},
    {"Unauthorized", SSCSI_UNAUTHORIZED},
    {"Throttled", SSCSI_THROTTLED},
    {"Unavailable", SSCSI_UNAVAILABLE},
    {"Internal", SSCSI_INTERNAL},
}};

}  // namespace

std::string_view status_name(sscsi_status code) noexcept {
  if (code == SSCSI_OK) return "ok";
  if (code == SSCSI_DEADLINE_EXCEEDED) return "DeadlineExceeded";
  for (const auto& [name, value] : kInjectable) {
    if (value == code) return name;
  }
  return "Unknown";
}

std::optional<sscsi_status> injectable_status(std::string_view name) noexcept {
  for (const auto& [known, value] : kInjectable) {
    if (known == name) return value;
  }
  return std::nullopt;
}

std::string_view injectable_status_names() noexcept {
  return "InvalidParameters, NotFound, Unauthorized, Throttled, Unavailable, Internal";
}

}  // namespace sscsi::mock
