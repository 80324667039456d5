#pragma once
// sscsi-ctl's command line: global options, one command, and that command's options.

#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace sscsi::tools {

// A command line that cannot be run; main prints the message and exits 2.
class UsageError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct ProbeCommand {};
struct InfoCommand {};

struct PublishCommand {
  std::string target;  // absolute and lexically normal (a relative --target is made absolute)
  std::string secret_provider_class;
  std::string pod_namespace;
  std::string pod_name;
  std::string pod_uid;
  std::string service_account = "default";     // the kubelet sends the pod's, "default" if unset
  std::optional<std::string> volume_id;        // unset: derived from the target
  std::map<std::string, std::string> secrets;  // --secret KEY=VALUE
  std::map<std::string, std::string> secret_files;  // --secret-file KEY=FILE
  std::map<std::string, std::string> token_files;   // --token AUDIENCE=FILE
  bool show_contents = false;
};

struct UnpublishCommand {
  std::string target;
  std::optional<std::string> volume_id;
};

// Forces a refresh of a mounted volume (sscsi.admin.v1.Admin/Refresh on the same socket).
struct RefreshCommand {
  std::string target;
};

// Printed for --help; the text is the reference for every command and option.
struct HelpRequest {
  std::string text;
};

using Command =
    std::variant<ProbeCommand, InfoCommand, PublishCommand, UnpublishCommand, RefreshCommand>;

struct CtlOptions {
  std::string endpoint = "unix:///tmp/csi.sock";
  std::chrono::milliseconds timeout{std::chrono::minutes(2)};
  Command command;
};

// Parses the arguments after the program name. Returns HelpRequest for --help (globally or
// after a command); throws UsageError for anything that cannot be run.
std::variant<CtlOptions, HelpRequest> parse_command_line(const std::vector<std::string>& args);

}  // namespace sscsi::tools
