#include "sscsi-ctl/command_line.h"

#include <filesystem>
#include <sstream>

#include <fmt/format.h>
#include <boost/program_options.hpp>

#include "sscsi-ctl/timeout.h"

namespace sscsi::tools {
namespace {

namespace po = boost::program_options;

constexpr std::string_view kSynopsis =
    "usage: sscsi-ctl [--endpoint unix:///PATH] [--timeout DURATION] COMMAND [OPTIONS]\n"
    "\n"
    "Talks CSI to sscsi-host (or any CSI node plugin) over its unix socket.\n"
    "\n"
    "commands:\n"
    "  probe       Probe: print whether the driver is ready\n"
    "  info        GetPluginInfo, GetPluginCapabilities, NodeGetInfo, NodeGetCapabilities\n"
    "  publish     NodePublishVolume as the kubelet sends it for an inline volume, then list\n"
    "              the files that were mounted\n"
    "  unpublish   NodeUnpublishVolume\n"
    "  refresh     refresh a mounted volume now, ignoring the rotation poll interval and any\n"
    "              backoff (sscsi-host's admin service; prints whether the content changed)\n"
    "\n"
    "Run `sscsi-ctl COMMAND --help` for a command's options.\n"
    "Exit status: 0 success, 1 the driver answered with an error (printed as\n"
    "`error: CODE: message`), 2 the command line or a local input was wrong.\n";

// One option per line reads better than clang-format's packing of the chained calls.
// clang-format off
po::options_description global_options() {
  po::options_description options("global options");
  options.add_options()
      ("endpoint", po::value<std::string>()->default_value("unix:///tmp/csi.sock"),
       "the driver's socket, unix:///ABSOLUTE/PATH")
      ("timeout", po::value<std::string>()->default_value("2m"),
       "deadline of each call (e.g. 30s, 2m, 1m30s)")
      ("help,h", "print this help (after a command: that command's options)");
  return options;
}

po::options_description publish_options() {
  po::options_description options("publish options");
  options.add_options()
      ("target", po::value<std::string>()->required(), "directory to mount the volume on")
      ("spc", po::value<std::string>()->required(), "SecretProviderClass name")
      ("namespace", po::value<std::string>()->required(), "the pod's namespace")
      ("pod", po::value<std::string>()->required(), "the pod's name")
      ("pod-uid", po::value<std::string>()->required(), "the pod's uid")
      ("service-account", po::value<std::string>()->default_value("default"),
       "the pod's service account")
      ("volume-id", po::value<std::string>(), "volume id (default: csi-<sha256 of the target>)")
      ("secret", po::value<std::vector<std::string>>()->composing(),
       "KEY=VALUE for the request's `secrets` map (nodePublishSecretRef); repeatable. The "
       "value shows in the process list: prefer --secret-file on a shared machine")
      ("secret-file", po::value<std::vector<std::string>>()->composing(),
       "KEY=FILE: like --secret, with the value read from FILE (trailing line breaks "
       "removed; /dev/stdin keeps it off the disk); repeatable")
      ("token", po::value<std::vector<std::string>>()->composing(),
       "AUDIENCE=FILE: a service-account token for that audience, read from FILE, sent in "
       "volume_context as the kubelet does; repeatable")
      ("show", "also print the contents of every mounted file");
  return options;
}

po::options_description unpublish_options() {
  po::options_description options("unpublish options");
  options.add_options()
      ("target", po::value<std::string>()->required(), "the directory the volume is mounted on")
      ("volume-id", po::value<std::string>(), "volume id (default: csi-<sha256 of the target>)");
  return options;
}

po::options_description refresh_options() {
  po::options_description options("refresh options");
  options.add_options()
      ("target", po::value<std::string>()->required(), "the directory the volume is mounted on");
  return options;
}
// clang-format on

std::string help_text(const po::options_description& command_options) {
  std::ostringstream text;
  text << kSynopsis << '\n' << global_options() << '\n' << command_options;
  return text.str();
}

// --target as the server will see it: absolute, without '.', '..' or a trailing '/'.
std::string normalized_target(const std::string& target) {
  if (target.empty()) throw UsageError("--target is empty");
  std::filesystem::path path = std::filesystem::absolute(target).lexically_normal();
  std::string text = path.string();
  while (text.size() > 1 && text.ends_with('/')) text.pop_back();
  return text;
}

std::map<std::string, std::string> key_value_pairs(const po::variables_map& values,
                                                   const std::string& option,
                                                   std::string_view shape) {
  std::map<std::string, std::string> pairs;
  if (!values.count(option)) return pairs;
  for (const std::string& item : values[option].as<std::vector<std::string>>()) {
    const std::size_t equals = item.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == item.size()) {
      // The value is not echoed: for --secret it is a secret.
      throw UsageError(fmt::format("--{} needs the form {}", option, shape));
    }
    std::string key = item.substr(0, equals);
    if (!pairs.emplace(key, item.substr(equals + 1)).second) {
      throw UsageError(fmt::format("--{}: {} is given twice", option, key));
    }
  }
  return pairs;
}

// --help is a global option wherever it appears; with it, required options are not checked.
po::variables_map parse_command_options(const std::vector<std::string>& args,
                                        const po::options_description& options, bool help) {
  po::variables_map values;
  po::store(po::command_line_parser(args).options(options).run(), values);
  if (!help) po::notify(values);
  return values;
}

}  // namespace

std::variant<CtlOptions, HelpRequest> parse_command_line(const std::vector<std::string>& args) {
  try {
    po::options_description hidden;
    hidden.add_options()("command", po::value<std::string>())(
        "command-args", po::value<std::vector<std::string>>());
    po::options_description all;
    all.add(global_options()).add(hidden);
    po::positional_options_description positional;
    positional.add("command", 1).add("command-args", -1);

    // Global options may appear before or after the command; whatever is not one of them is
    // handed to the command's own parser, in the original order.
    const po::parsed_options parsed = po::command_line_parser(args)
                                          .options(all)
                                          .positional(positional)
                                          .allow_unregistered()
                                          .run();
    po::variables_map globals;
    po::store(parsed, globals);
    po::notify(globals);
    std::vector<std::string> rest =
        po::collect_unrecognized(parsed.options, po::include_positional);

    if (!globals.count("command")) {
      if (globals.count("help")) return HelpRequest{help_text(po::options_description())};
      throw UsageError("no command given; expected probe, info, publish, unpublish or refresh");
    }
    const std::string command = globals["command"].as<std::string>();
    const bool help = globals.count("help") > 0;
    rest.erase(rest.begin());  // the command itself

    CtlOptions options;
    options.endpoint = globals["endpoint"].as<std::string>();
    options.timeout = parse_timeout(globals["timeout"].as<std::string>());

    if (command == "probe" || command == "info") {
      const po::options_description descriptions;
      parse_command_options(rest, descriptions, help);  // refuses any argument
      if (help) return HelpRequest{help_text(descriptions)};
      options.command = command == "probe" ? Command(ProbeCommand{}) : Command(InfoCommand{});
      return options;
    }
    if (command == "publish") {
      const auto descriptions = publish_options();
      const auto values = parse_command_options(rest, descriptions, help);
      if (help) return HelpRequest{help_text(descriptions)};
      PublishCommand publish;
      publish.target = normalized_target(values["target"].as<std::string>());
      publish.secret_provider_class = values["spc"].as<std::string>();
      publish.pod_namespace = values["namespace"].as<std::string>();
      publish.pod_name = values["pod"].as<std::string>();
      publish.pod_uid = values["pod-uid"].as<std::string>();
      publish.service_account = values["service-account"].as<std::string>();
      if (values.count("volume-id")) publish.volume_id = values["volume-id"].as<std::string>();
      publish.secrets = key_value_pairs(values, "secret", "KEY=VALUE");
      publish.secret_files = key_value_pairs(values, "secret-file", "KEY=FILE");
      for (const auto& [key, file] : publish.secret_files) {
        if (publish.secrets.contains(key)) {
          throw UsageError(fmt::format("--secret-file: {} is also given with --secret", key));
        }
      }
      publish.token_files = key_value_pairs(values, "token", "AUDIENCE=FILE");
      publish.show_contents = values.count("show") > 0;
      options.command = std::move(publish);
      return options;
    }
    if (command == "unpublish") {
      const auto descriptions = unpublish_options();
      const auto values = parse_command_options(rest, descriptions, help);
      if (help) return HelpRequest{help_text(descriptions)};
      UnpublishCommand unpublish;
      unpublish.target = normalized_target(values["target"].as<std::string>());
      if (values.count("volume-id")) unpublish.volume_id = values["volume-id"].as<std::string>();
      options.command = std::move(unpublish);
      return options;
    }
    if (command == "refresh") {
      const auto descriptions = refresh_options();
      const auto values = parse_command_options(rest, descriptions, help);
      if (help) return HelpRequest{help_text(descriptions)};
      options.command = RefreshCommand{normalized_target(values["target"].as<std::string>())};
      return options;
    }
    throw UsageError(fmt::format(
        "unknown command \"{}\"; expected probe, info, publish, unpublish or refresh", command));
  } catch (const po::error& error) {
    throw UsageError(error.what());
  } catch (const std::invalid_argument& error) {
    // parse_timeout's message; UsageError derives from invalid_argument and passes through.
    if (dynamic_cast<const UsageError*>(&error)) throw;
    throw UsageError(error.what());
  }
}

}  // namespace sscsi::tools
