// kubeconfig files (--kubeconfig): current-context -> context -> cluster + user, with the
// fields sscsi supports and the ones it refuses by name.
//
// Input: the kubeconfig's text, written as "config" in a scratch directory that also holds
// "ca.crt", "client.crt", "client.key" and "token", so relative file references resolve.
// Expected: load_kubeconfig never throws (its error is the string alternative). Invariants: an
// accepted config has an https server without a trailing '/', at most one of token and
// tokenFile, a client certificate only with a key; no error echoes a token or key data.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "fuzz_support.h"
#include "kube/client/kubeconfig_loader.h"

namespace {

using namespace sscsi;

constexpr std::string_view kPem =
    "-----BEGIN "
    "CERTIFICATE-----\nMIIBdzCCAR2gAwIBAgIUQ2VydGlmaWNhdGVGb3JGdXp6aW5nMAoGCCqGSM49BAMC\n"
    "-----END CERTIFICATE-----\n";

// The directory the kubeconfig is written to, with the files its relative paths may name.
struct KubeconfigDir {
  fuzz::ScratchDir dir;
  KubeconfigDir() {
    dir.write("ca.crt", kPem);
    dir.write("client.crt", kPem);
    dir.write("client.key", "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
    dir.write("token", "eyJhbGciOiJSUzI1NiJ9.fuzz-token-file.signature\n");
  }
};

const fuzz::ScratchDir& scratch() {
  static const KubeconfigDir made;
  return made.dir;
}

kube::ClusterConfigResult load(std::string_view text) {
  return kube::load_kubeconfig(scratch().write("config", text));
}

void collect(const YAML::Node& node, int depth, std::vector<std::string>& out) {
  if (depth == 0) return;
  if (node.IsMap()) {
    for (const auto& entry : node) {
      const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : std::string();
      if (entry.second.IsScalar() &&
          (key == "token" || key == "client-key-data" || key == "password")) {
        out.push_back(entry.second.Scalar());
      }
      collect(entry.second, depth - 1, out);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) collect(item, depth - 1, out);
  }
}

std::vector<std::string> secrets_of(std::string_view text) {
  std::vector<std::string> secrets;
  try {
    collect(YAML::Load(std::string(text)), 6, secrets);
  } catch (const YAML::Exception&) {
  }
  return secrets;
}

void check_config(const kube::ClusterConfig& config) {
  const bool https = config.server.rfind("https://", 0) == 0 && config.server.size() > 8;
  if (!https || config.server.back() == '/') {
    fuzz::fuzz_fail("fuzz_kube_kubeconfig: the server is not https:// or ends in '/'",
                    config.server);
  }
  if (!config.token.empty() && !config.token_file.empty()) {
    fuzz::fuzz_fail("fuzz_kube_kubeconfig: both token and tokenFile are set", config.origin);
  }
  if (config.client_certificate.empty() != config.client_key.empty()) {
    fuzz::fuzz_fail("fuzz_kube_kubeconfig: a client certificate without a key, or the reverse",
                    config.origin);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const kube::ClusterConfigResult result = load(text);
  if (const auto* config = std::get_if<kube::ClusterConfig>(&result)) {
    check_config(*config);
    return 0;
  }
  fuzz::check_secrets_not_echoed("fuzz_kube_kubeconfig", text, std::get<std::string>(result),
                                 secrets_of,
                                 [](std::string_view changed) -> std::optional<std::string> {
                                   const kube::ClusterConfigResult again = load(changed);
                                   if (const auto* error = std::get_if<std::string>(&again))
                                     return *error;
                                   return std::nullopt;
                                 });
  return 0;
}
