#include "bench_scenario.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sscsi-ctl/publish_request.h"
#include "unsigned_jwt.h"

namespace sscsi::bench::azure {

std::string workload_subject() {
  return fmt::format("system:serviceaccount:{}:{}", kNamespace, kServiceAccount);
}

std::string secret_name(int index) { return fmt::format("s{:02}", index); }

std::string objects_yaml(int count) {
  std::string yaml = "array:\n";
  for (int i = 1; i <= count; ++i) {
    yaml += fmt::format("  - |\n    objectName: {}\n    objectType: secret\n", secret_name(i));
  }
  return yaml;
}

std::map<std::string, std::string> class_parameters(int count) {
  return {{"keyvaultName", kVault},
          {"tenantID", kTenant},
          {"clientID", kClientId},
          {"objects", objects_yaml(count)}};
}

std::string service_account_tokens(const std::string& pod_name, const std::string& pod_uid) {
  testing_support::JwtClaims claims;
  claims.audience = kWorkloadAudience;
  claims.subject = workload_subject();
  claims.extra = {{"kubernetes.io",
                   {{"namespace", kNamespace},
                    {"pod", {{"name", pod_name}, {"uid", pod_uid}}},
                    {"serviceaccount", {{"name", kServiceAccount}}}}}};
  const std::string expiry =
      tools::rfc3339_utc(std::chrono::system_clock::now() + std::chrono::hours(1));
  const nlohmann::json tokens = {
      {kWorkloadAudience,
       {{"token", testing_support::unsigned_jwt(claims)}, {"expirationTimestamp", expiry}}}};
  return tokens.dump();
}

}  // namespace sscsi::bench::azure
