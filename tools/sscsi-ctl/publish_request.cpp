#include "sscsi-ctl/publish_request.h"

#include <openssl/evp.h>

#include <ctime>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "csi/volume_context_keys.h"

namespace sscsi::tools {
namespace {

namespace pb = ::csi::v1;
namespace keys = sscsi::csi::keys;

std::string trimmed(const std::string& text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const std::size_t first = text.find_first_not_of(kSpace);
  if (first == std::string::npos) return {};
  const std::size_t last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

// The whole of `path`; `option` and `name` say which argument asked for it in errors. The
// content is never part of a message.
std::string read_argument_file(std::string_view option, const std::string& name,
                               const std::string& path, std::string_view what) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw std::runtime_error(
        fmt::format("--{} {}={}: cannot open the {}", option, name, path, what));
  }
  std::string content((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (file.bad()) {
    throw std::runtime_error(
        fmt::format("--{} {}={}: cannot read the {}", option, name, path, what));
  }
  return content;
}

std::string read_token_file(const std::string& audience, const std::string& path) {
  std::string token = trimmed(read_argument_file("token", audience, path, "token file"));
  if (token.empty()) {
    throw std::runtime_error(fmt::format("--token {}={}: the token file is empty", audience, path));
  }
  return token;
}

// A value written with `echo` or an editor ends in a line break that is not part of it.
std::string read_secret_file(const std::string& key, const std::string& path) {
  std::string value = read_argument_file("secret-file", key, path, "secret file");
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  return value;
}

}  // namespace

std::string default_volume_id(const std::string& target) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(target.data(), target.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 of the target failed (OpenSSL)");
  }
  std::string id = "csi-";
  for (unsigned int i = 0; i < length; ++i) id += fmt::format("{:02x}", digest[i]);
  return id;
}

std::string rfc3339_utc(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  const std::size_t size = std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(text, size);
}

std::string service_account_tokens_json(const std::map<std::string, std::string>& token_files,
                                        std::chrono::system_clock::time_point now) {
  nlohmann::json tokens = nlohmann::json::object();
  const std::string expiry = rfc3339_utc(now + std::chrono::hours(1));
  for (const auto& [audience, path] : token_files) {
    tokens[audience] = {{"token", read_token_file(audience, path)},
                        {"expirationTimestamp", expiry}};
  }
  return tokens.dump();
}

pb::NodePublishVolumeRequest make_publish_request(const PublishCommand& command,
                                                  std::chrono::system_clock::time_point now) {
  pb::NodePublishVolumeRequest request;
  request.set_volume_id(command.volume_id.value_or(default_volume_id(command.target)));
  request.set_target_path(command.target);
  request.set_readonly(true);
  pb::VolumeCapability* capability = request.mutable_volume_capability();
  capability->mutable_mount();
  capability->mutable_access_mode()->set_mode(
      pb::VolumeCapability::AccessMode::SINGLE_NODE_READER_ONLY);

  auto& context = *request.mutable_volume_context();
  context[std::string(keys::kSecretProviderClass)] = command.secret_provider_class;
  context[std::string(keys::kPodName)] = command.pod_name;
  context[std::string(keys::kPodNamespace)] = command.pod_namespace;
  context[std::string(keys::kPodUid)] = command.pod_uid;
  context[std::string(keys::kServiceAccountName)] = command.service_account;
  context[std::string(keys::kEphemeral)] = "true";
  if (!command.token_files.empty()) {
    context[std::string(keys::kServiceAccountTokens)] =
        service_account_tokens_json(command.token_files, now);
  }
  request.mutable_secrets()->insert(command.secrets.begin(), command.secrets.end());
  for (const auto& [key, path] : command.secret_files) {
    (*request.mutable_secrets())[key] = read_secret_file(key, path);
  }
  return request;
}

pb::NodeUnpublishVolumeRequest make_unpublish_request(const UnpublishCommand& command) {
  pb::NodeUnpublishVolumeRequest request;
  request.set_volume_id(command.volume_id.value_or(default_volume_id(command.target)));
  request.set_target_path(command.target);
  return request;
}

}  // namespace sscsi::tools
