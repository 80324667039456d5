#include "log_canaries.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace sscsi::testing_support {
namespace {

namespace fs = std::filesystem;

// Shorter values are ordinary words or test names; longer ones do not occur by chance.
constexpr std::size_t kMinimumLength = 8;
// A multi-line value is also looked for line by line (a log line could carry one line of a
// key); lines this long are base64 or other payload, never log vocabulary.
constexpr std::size_t kMinimumLineLength = 24;

constexpr const char* kTokensKey = "csi.storage.k8s.io/serviceAccount.tokens";

std::string trimmed(const std::string& value) {
  const auto first = value.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = value.find_last_not_of(" \t\r\n");
  return value.substr(first, last - first + 1);
}

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

void LogCanaries::add(const std::string& value) {
  const std::string whole = trimmed(value);
  std::lock_guard lock(mutex_);
  if (whole.size() >= kMinimumLength) values_.insert(whole);
  if (whole.find('\n') == std::string::npos) return;
  std::istringstream lines(whole);
  for (std::string line; std::getline(lines, line);) {
    line = trimmed(line);
    // PEM armour lines are public markers, not secret material.
    if (line.size() >= kMinimumLineLength && !line.starts_with("-----")) values_.insert(line);
  }
}

void LogCanaries::add_request(const ::csi::v1::NodePublishVolumeRequest& request) {
  for (const auto& [key, value] : request.secrets()) {
    // A service principal's client ID is an identity, not a credential: the Azure plugin names
    // it in its messages as upstream does. Its client secret is a canary like every other value.
    std::string lower = key;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower != "clientid") add(value);
  }
  const auto tokens = request.volume_context().find(kTokensKey);
  if (tokens == request.volume_context().end()) return;
  // {"<audience>": {"token": "...", "expirationTimestamp": "..."}}; anything else is a bad-input
  // case whose whole text is the canary.
  const nlohmann::json parsed = nlohmann::json::parse(tokens->second, nullptr, false);
  if (!parsed.is_object()) return add(tokens->second);
  for (const auto& [audience, entry] : parsed.items()) {
    if (entry.is_object() && entry.contains("token") && entry["token"].is_string()) {
      add(entry["token"].get<std::string>());
    }
  }
}

void LogCanaries::add_volume(const fs::path& target) {
  {
    std::lock_guard lock(mutex_);
    targets_.insert(target);
  }
  std::error_code ec;
  for (fs::recursive_directory_iterator it(target, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec) && !it->is_symlink(type_ec)) add(read_all(it->path()));
  }
}

void LogCanaries::add_published_files() {
  std::set<fs::path> targets;
  {
    std::lock_guard lock(mutex_);
    targets = targets_;
  }
  for (const fs::path& target : targets) add_volume(target);
}

std::vector<std::string> LogCanaries::leaks_in(const std::string& text,
                                               const std::string& where) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> leaks;
  for (const std::string& value : values_) {
    const auto at = text.find(value);
    if (at == std::string::npos) continue;
    // Only the start of the value: enough to find which test data leaked.
    leaks.push_back(fmt::format("{} holds a secret value ({} bytes, starting {:?}) at offset {}",
                                where, value.size(), value.substr(0, 12), at));
  }
  return leaks;
}

}  // namespace sscsi::testing_support
