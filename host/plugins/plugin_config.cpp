#include "plugins/plugin_config.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>
#include <system_error>

#include "mount/file_trust.h"
#include "mount/unique_fd.h"
#include "mount/wipe.h"

namespace sscsi::plugins {
namespace {

// Wipes a buffer that held configuration text when it goes out of scope.
struct WipeOnExit {
  std::string& text;
  ~WipeOnExit() { mount::wipe(text); }
};

// nlohmann's message without its id prefix and without the "last read: '…'" excerpt, which
// would copy part of the configuration (possibly a secret) into the log.
std::string parse_error_without_excerpt(const nlohmann::json::parse_error& error) {
  std::string message = error.what();
  if (const auto prefix_end = message.find("] ");
      message.starts_with("[json.exception") && prefix_end != std::string::npos) {
    message.erase(0, prefix_end + 2);
  }
  constexpr std::string_view kExcerpt = "; last read: '";
  if (const auto start = message.find(kExcerpt); start != std::string::npos) {
    const auto expected = message.find("'; expected ", start + kExcerpt.size());
    message.erase(start, expected == std::string::npos ? std::string::npos : expected + 1 - start);
  }
  return message;
}

const char* json_type_phrase(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    case nlohmann::json::value_t::null:
      return "null";
    default:
      return "a number";
  }
}

}  // namespace

Outcome<std::string> read_plugin_config(const std::filesystem::path& file) {
  const std::string shown = file.string();
  const auto refused = [&](const std::string& problem) {
    return Outcome<std::string>::refused(fmt::format("config file {} {}", shown, problem));
  };
  mount::UniqueFd fd(::open(shown.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (!fd.valid()) {
    return refused(fmt::format("cannot be opened: {}", std::generic_category().message(errno)));
  }
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0 || !S_ISREG(status.st_mode)) {
    return refused("is not a regular file");
  }
  // The configuration decides where the plugin sends credentials (endpoints, connectTo, caFile):
  // whoever may change it could redirect tokens, so it is held to the plugins' own rules.
  if (const auto problem = mount::ownership_problem(status)) return refused(*problem);
  if (const auto problem = mount::ancestor_problem(file)) return refused(*problem);
  std::string text;
  WipeOnExit wipe_text{text};
  text.resize(kMaxPluginConfigBytes + 1);
  std::size_t size = 0;
  while (size < text.size()) {
    const ssize_t got = ::read(fd.get(), text.data() + size, text.size() - size);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      return refused(fmt::format("cannot be read: {}", std::generic_category().message(errno)));
    }
    if (got == 0) break;
    size += static_cast<std::size_t>(got);
  }
  if (size > kMaxPluginConfigBytes) {
    return refused(
        fmt::format("is larger than the limit of {} bytes (1 MiB)", kMaxPluginConfigBytes));
  }
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(text.data(), text.data() + size);
  } catch (const nlohmann::json::parse_error& error) {
    return refused(fmt::format("is not valid JSON: {}", parse_error_without_excerpt(error)));
  } catch (const nlohmann::json::exception&) {
    // The only other exception parsing throws (out_of_range 406); its message quotes the number.
    return refused("is not valid JSON: a number is out of range (larger than a double can hold)");
  }
  if (!config.is_object()) {
    return refused(fmt::format("must hold a JSON object, not {}", json_type_phrase(config)));
  }
  return Outcome<std::string>::success(config.dump());
}

}  // namespace sscsi::plugins
