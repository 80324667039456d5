#include "mount_parameters.h"

#include <nlohmann/json.hpp>

#include <limits>
#include <utility>

#include "go_duration.h"
#include "mount_error.h"
#include "quote.h"
#include "status_names.h"

namespace sscsi::mock {
namespace {

using nlohmann::json;

json parse_attributes(const char* attributes_json) {
  if (attributes_json == nullptr) {
    throw invalid_parameters("the mount request carries no attributes JSON");
  }
  json attributes;
  try {
    attributes = json::parse(attributes_json);
  } catch (const json::parse_error& e) {
    // e.what() quotes the bytes it stopped at, which may be part of a token: report the offset.
    throw invalid_parameters("the mount request's attributes are not valid JSON (error at byte " +
                             std::to_string(e.byte) + ")");
  } catch (const json::exception&) {
    // The only other exception parsing throws: a number beyond a double (1e400).
    throw invalid_parameters(
        "the mount request's attributes are not valid JSON (a number is out of range)");
  }
  if (!attributes.is_object()) {
    throw invalid_parameters("the mount request's attributes are not a JSON object");
  }
  return attributes;
}

// The parameter's value, or nullopt when it is absent or empty.
std::optional<std::string> parameter(const json& attributes, const char* name) {
  const auto found = attributes.find(name);
  if (found == attributes.end()) return std::nullopt;
  if (!found->is_string()) {
    throw invalid_parameters(std::string("parameter ") + name +
                             " must be a string, as every SecretProviderClass parameter is");
  }
  std::string value = found->get<std::string>();
  if (value.empty()) return std::nullopt;
  return value;
}

std::chrono::nanoseconds duration_parameter(const json& attributes, const char* name) {
  const std::optional<std::string> text = parameter(attributes, name);
  if (!text) return std::chrono::nanoseconds{0};
  const std::optional<std::chrono::nanoseconds> value = parse_go_duration(*text);
  if (!value) {
    throw invalid_parameters(std::string(name) + " " + quote(*text) +
                             " is not a duration (examples: \"250ms\", \"2s\", \"1m30s\")");
  }
  if (value->count() < 0)
    throw invalid_parameters(std::string(name) + " " + quote(*text) + " is negative");
  return *value;
}

std::uint32_t retry_after_ms(const json& attributes) {
  const std::chrono::nanoseconds value = duration_parameter(attributes, "retryAfter");
  // Round up: a backend that asks for 1500us wants at least 2ms, and never "not said" (0).
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(value).count();
  constexpr auto kMax = std::numeric_limits<std::uint32_t>::max();
  if (ms > kMax) {
    throw invalid_parameters("retryAfter " + quote(*parameter(attributes, "retryAfter")) +
                             " is longer than the limit of " +
                             format_go_duration(std::chrono::milliseconds{kMax}));
  }
  return static_cast<std::uint32_t>(ms);
}

std::uint64_t whole_number(const std::string& text, const char* name) {
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      throw invalid_parameters(std::string(name) + " " + quote(text) +
                               " is not a non-negative whole number");
    }
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
      throw invalid_parameters(std::string(name) + " " + quote(text) + " is too large");
    }
    value = value * 10 + digit;
  }
  return value;
}

std::optional<InjectedFailure> injected_failure(const json& attributes) {
  const std::optional<std::string> fail_with = parameter(attributes, "failWith");
  if (!fail_with) {
    // The other knobs only shape an injected failure: alone they would be silently ignored.
    for (const char* dependent : {"failMessage", "failFirst", "retryAfter"}) {
      if (parameter(attributes, dependent)) {
        throw invalid_parameters(std::string(dependent) +
                                 " is set but failWith is not; it only shapes an injected failure");
      }
    }
    return std::nullopt;
  }
  InjectedFailure failure;
  const std::optional<sscsi_status> code = injectable_status(*fail_with);
  if (!code) {
    throw invalid_parameters("failWith " + quote(*fail_with) + " is not one of " +
                             std::string(injectable_status_names()));
  }
  failure.code = *code;
  failure.message = parameter(attributes, "failMessage").value_or(kDefaultFailMessage);
  if (const auto first = parameter(attributes, "failFirst")) {
    failure.first_calls = whole_number(*first, "failFirst");
  }
  failure.retry_after_ms = retry_after_ms(attributes);
  return failure;
}

// The shareScope names, as a SecretProviderClass author writes them.
constexpr std::pair<const char*, sscsi_share_scope> kShareScopes[] = {
    {"never", SSCSI_SHARE_NEVER},
    {"namespace-serviceaccount", SSCSI_SHARE_NAMESPACE_SERVICE_ACCOUNT},
    {"same-secrets", SSCSI_SHARE_SAME_SECRETS},
    {"node", SSCSI_SHARE_NODE},
};

sscsi_share_scope share_scope(const json& attributes) {
  const std::optional<std::string> text = parameter(attributes, "shareScope");
  if (!text) return SSCSI_SHARE_NAMESPACE_SERVICE_ACCOUNT;
  for (const auto& [name, scope] : kShareScopes) {
    if (*text == name) return scope;
  }
  throw invalid_parameters("shareScope " + quote(*text) +
                           " is not one of never, namespace-serviceaccount, same-secrets, node");
}

}  // namespace

MountParameters parse_mount_parameters(const char* attributes_json, ParsedObjectsCache& cache) {
  const json attributes = parse_attributes(attributes_json);
  MountParameters parameters;
  const std::optional<std::string> objects = parameter(attributes, "objects");
  if (!objects) {
    throw invalid_parameters("parameter objects is not set; it lists the objects the volume holds");
  }
  parameters.objects = cache.get(*objects);
  parameters.failure = injected_failure(attributes);
  parameters.latency = duration_parameter(attributes, "latency");
  parameters.share_scope = share_scope(attributes);
  return parameters;
}

}  // namespace sscsi::mock
