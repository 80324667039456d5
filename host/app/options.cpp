#include "app/options.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>
#include <boost/program_options.hpp>

#include "app/duration.h"
#include "app/version.h"
#include "mount/file_trust.h"

namespace sscsi::app {
namespace {

namespace po = boost::program_options;

// A problem with the command line or the config file; its message names the option.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Keys that only make sense on the command line.
constexpr const char* kHelp = "help";
constexpr const char* kVersion = "version";
constexpr const char* kConfig = "config";
constexpr const char* kPositional = "unexpected-argument";
constexpr std::size_t kMaxConfigFileBytes = 1 << 20;

struct Descriptions {
  po::options_description file_keys;     // accepted in the config file (and on the command line)
  po::options_description command_only;  // --help, --version, --config
  po::options_description hidden;        // catches stray positional arguments
};

// Values are taken as strings and checked by option_values.h, so every message is ours and
// names the option. default_value only feeds --help: defaulted entries are ignored when reading.
Descriptions make_descriptions() {
  const Options defaults;
  constexpr unsigned kLineLength = 100;
  Descriptions d{po::options_description("Options (one or two leading dashes; also valid as "
                                         "`key = value` lines in --config)",
                                         kLineLength),
                 po::options_description("Command line only", kLineLength),
                 po::options_description("")};
  auto text = [] { return po::value<std::string>(); };
  auto flag = [] { return po::value<std::string>()->implicit_value("true")->value_name("BOOL"); };
  auto list = [] { return po::value<std::vector<std::string>>(); };
  auto bool_text = [](bool value) { return std::string(value ? "true" : "false"); };
  // clang-format off
  d.file_keys.add_options()
    ("endpoint", text()->value_name("URI")->default_value(defaults.endpoint),
     "CSI endpoint the kubelet connects to: unix:///ABSOLUTE/PATH (tcp is not offered)")
    ("nodeid", text()->value_name("NAME")->default_value(defaults.node_id, "\"\""),
     "this node's name as the CSI node id (the DaemonSet passes $(KUBE_NODE_NAME))")
    ("drivername", text()->value_name("NAME")->default_value(defaults.driver_name),
     "CSI driver name; keep the default to replace the upstream driver")
    ("metrics-addr", text()->value_name("ADDR")
         ->default_value(to_string(defaults.metrics_address)),
     "address for /metrics: HOST:PORT, :PORT or [IPV6]:PORT; port 0 picks a free port")
    ("health-addr", text()->value_name("ADDR")
         ->default_value(to_string(defaults.health_address)),
     "address for /healthz (200 when the CSI socket answers and every required plugin is "
     "healthy, else 503 with the reasons), same forms as --metrics-addr")
    ("enable-secret-rotation", flag()->default_value(bool_text(defaults.enable_secret_rotation)),
     "refresh mounted content periodically (--enable-secret-rotation, =true or =false)")
    ("rotation-poll-interval", text()->value_name("DURATION")
         ->default_value(format_duration(defaults.rotation_poll_interval)),
     "minimum time between two refreshes of one mount, as Go writes durations "
     "(30s, 2m, 1m30s, 500ms, 1h); must be positive")
    ("shared-fetch-window", text()->value_name("DURATION")
         ->default_value(format_duration(defaults.shared_fetch_window)),
     "how long a provider's answer is reused for other pods' identical mounts, as far as the "
     "provider's share scope allows (a refresh only takes answers newer than its content); 0s "
     "keeps nothing, concurrent identical mounts still share one call")
    ("log-format-json", flag()->default_value(bool_text(defaults.log_format_json)),
     "log one JSON object per line (ts, level, logger, msg) instead of text")
    ("v,v", text()->value_name("N")->default_value(std::to_string(defaults.verbosity)),
     "log verbosity 0-5, klog style: 0-1 info, 2-4 debug, 5 trace")
    ("plugin-dir", text()->value_name("DIR")->default_value(defaults.plugin_dir.string()),
     "directory of provider plugins (*.so); it, its plugins and every directory above it must be "
     "owned by root (or this user) and not be group/world-writable (a sticky directory above is "
     "fine)")
    ("plugin-config", list()->value_name("NAME=FILE"),
     "JSON configuration FILE for provider NAME; repeat for several providers; a NAME on the "
     "command line replaces the same NAME from --config (default: none)")
    ("require-plugins", list()->value_name("A,B"),
     "comma-separated provider names that must load, else exit 1 (default: none)")
    ("tmpfs-size", text()->value_name("SIZE")->default_value("64Mi"),
     "size limit of each volume's tmpfs (Ki/Mi/Gi or k/M/G); a volume's content may use half, "
     "since a refresh briefly holds the old and the new version")
    ("allow-any-target", flag()->default_value(bool_text(defaults.allow_any_target)),
     "accept any absolute target path, not only kubelet pod-volume paths (standalone use)")
    ("allow-core-dumps", flag()->default_value(bool_text(defaults.allow_core_dumps)),
     "keep the process dumpable: a core dump would hold the secrets and tokens in memory "
     "(debugging only)")
    ("state-dir", text()->value_name("DIR")->default_value(defaults.state_dir.string()),
     "absolute directory for the host's own state (mount records)")
    ("spc-dir", text()->value_name("DIR")->default_value(defaults.spc_dir.string(), "\"\""),
     "directory of SecretProviderClass YAML files for standalone mode (empty: none)")
    ("kubeconfig", text()->value_name("FILE")->default_value(defaults.kubeconfig.string(), "\"\""),
     "kubeconfig for development (empty: in-cluster configuration when KUBERNETES_SERVICE_HOST "
     "is set); not together with --spc-dir")
    ("kube-api-qps", text()->value_name("N")->default_value(std::to_string(defaults.kube_api_qps)),
     "steady rate of requests to the Kubernetes API server, per second (1-1000)")
    ("kube-api-burst", text()->value_name("N")
         ->default_value(std::to_string(defaults.kube_api_burst)),
     "requests to the Kubernetes API server allowed at once above the steady rate (1-10000)");
  d.command_only.add_options()
    ("config", text()->value_name("FILE"),
     "read options from FILE (`key = value` lines, # comments, a key repeated for repeatable "
     "options); the command line wins; relative paths are relative to the working directory")
    ("help,h", "print this help and exit")
    ("version", "print version information as JSON and exit");
  d.hidden.add_options()
    (kPositional, list());
  // clang-format on
  return d;
}

std::string render_help(const Descriptions& d) {
  std::ostringstream out;
  out << "Usage: sscsi-host [OPTIONS]\n\n"
         "Secrets Store CSI driver node daemon with provider plugins.\n\n"
      << d.file_keys << '\n'
      << d.command_only
      << "\nExit status: 0 stopped by SIGTERM or SIGINT (or --help, --version); 1 could not start "
         "(e.g. a\nrequired plugin is missing); 2 unusable options or config file.\n";
  return out.str();
}

// Where an option's value came from, for messages.
struct Layer {
  const po::variables_map* values;
  std::function<std::string(const std::string& key)> where;
};

struct Given {
  std::string value;
  std::string where;
};

bool is_given(const po::variables_map& values, const std::string& key) {
  const auto it = values.find(key);
  return it != values.end() && !it->second.defaulted() && !it->second.empty();
}

// The value of a single-valued option from the first layer that has it (command line first).
std::optional<Given> first_given(const std::vector<Layer>& layers, const std::string& key) {
  for (const Layer& layer : layers) {
    if (is_given(*layer.values, key)) {
      return Given{(*layer.values)[key].as<std::string>(), layer.where(key)};
    }
  }
  return std::nullopt;
}

// Runs `apply` on the option's value if one was given, turning a value error into a UsageError
// that names the option.
void read_option(const std::vector<Layer>& layers, const std::string& key,
                 const std::function<void(const std::string&)>& apply) {
  if (const auto given = first_given(layers, key)) {
    try {
      apply(given->value);
    } catch (const std::invalid_argument& error) {
      throw UsageError(fmt::format("{}: {}", given->where, error.what()));
    }
  }
}

std::filesystem::path non_empty_path(const std::string& value) {
  if (value.empty()) throw std::invalid_argument("the directory is empty");
  return std::filesystem::path(value);
}

// --plugin-config: names combine across layers; a later (higher) layer replaces the same name.
// Within one layer a repeated name is an error.
std::map<std::string, std::filesystem::path> read_plugin_configs(const std::vector<Layer>& layers) {
  const std::string key = "plugin-config";
  std::map<std::string, std::filesystem::path> merged;
  for (auto layer = layers.rbegin(); layer != layers.rend(); ++layer) {
    if (!is_given(*layer->values, key)) continue;
    std::map<std::string, std::filesystem::path> own;
    for (const std::string& entry : (*layer->values)[key].as<std::vector<std::string>>()) {
      std::pair<std::string, std::filesystem::path> parsed;
      try {
        parsed = parse_plugin_config(entry);
      } catch (const std::invalid_argument& error) {
        throw UsageError(fmt::format("{}: {}", layer->where(key), error.what()));
      }
      const auto [it, inserted] = own.emplace(parsed);
      if (!inserted) {
        throw UsageError(fmt::format("{}: provider \"{}\" is configured twice ({} and {})",
                                     layer->where(key), parsed.first, it->second.string(),
                                     parsed.second.string()));
      }
    }
    for (auto& [name, file] : own) merged[name] = file;
  }
  return merged;
}

// --require-plugins: the first layer that has it wins; repeats within it add up.
std::vector<std::string> read_required_plugins(const std::vector<Layer>& layers) {
  const std::string key = "require-plugins";
  for (const Layer& layer : layers) {
    if (!is_given(*layer.values, key)) continue;
    std::vector<std::string> names;
    for (const std::string& entry : (*layer.values)[key].as<std::vector<std::string>>()) {
      try {
        for (std::string& name : parse_provider_list(entry)) {
          if (std::find(names.begin(), names.end(), name) == names.end()) {
            names.push_back(std::move(name));
          }
        }
      } catch (const std::invalid_argument& error) {
        throw UsageError(fmt::format("{}: {}", layer.where(key), error.what()));
      }
    }
    return names;
  }
  return {};
}

Options resolve(const std::vector<Layer>& layers) {
  Options options;
  read_option(layers, "endpoint", [&](const std::string& value) {
    options.csi_socket = parse_unix_endpoint(value);
    options.endpoint = value;
  });
  read_option(layers, "nodeid", [&](const std::string& value) {
    check_node_id(value);
    options.node_id = value;
  });
  read_option(layers, "drivername", [&](const std::string& value) {
    check_driver_name(value);
    options.driver_name = value;
  });
  read_option(layers, "metrics-addr", [&](const std::string& value) {
    options.metrics_address = parse_listen_address(value);
  });
  read_option(layers, "health-addr", [&](const std::string& value) {
    options.health_address = parse_listen_address(value);
  });
  read_option(layers, "enable-secret-rotation", [&](const std::string& value) {
    options.enable_secret_rotation = parse_bool(value);
  });
  read_option(layers, "rotation-poll-interval", [&](const std::string& value) {
    const auto interval = parse_duration(value);
    if (interval <= std::chrono::nanoseconds::zero()) {
      throw std::invalid_argument(fmt::format("\"{}\" must be greater than zero", value));
    }
    options.rotation_poll_interval = interval;
  });
  read_option(layers, "shared-fetch-window", [&](const std::string& value) {
    const auto window = parse_duration(value);
    if (window < std::chrono::nanoseconds::zero()) {
      throw std::invalid_argument(fmt::format("\"{}\" must not be negative", value));
    }
    options.shared_fetch_window = window;
  });
  read_option(layers, "log-format-json",
              [&](const std::string& value) { options.log_format_json = parse_bool(value); });
  read_option(layers, "v",
              [&](const std::string& value) { options.verbosity = parse_verbosity(value); });
  read_option(layers, "plugin-dir",
              [&](const std::string& value) { options.plugin_dir = non_empty_path(value); });
  options.plugin_configs = read_plugin_configs(layers);
  options.required_plugins = read_required_plugins(layers);
  read_option(layers, "state-dir", [&](const std::string& value) {
    options.state_dir = non_empty_path(value);
    if (!options.state_dir.is_absolute()) {
      throw std::invalid_argument(fmt::format("\"{}\" must be an absolute path", value));
    }
  });
  read_option(layers, "tmpfs-size",
              [&](const std::string& value) { options.tmpfs_size_bytes = parse_size(value); });
  read_option(layers, "allow-any-target",
              [&](const std::string& value) { options.allow_any_target = parse_bool(value); });
  read_option(layers, "allow-core-dumps",
              [&](const std::string& value) { options.allow_core_dumps = parse_bool(value); });
  read_option(layers, "spc-dir", [&](const std::string& value) { options.spc_dir = value; });
  read_option(layers, "kubeconfig", [&](const std::string& value) { options.kubeconfig = value; });
  read_option(layers, "kube-api-qps", [&](const std::string& value) {
    options.kube_api_qps = parse_bounded_int(value, 1, 1000);
  });
  read_option(layers, "kube-api-burst", [&](const std::string& value) {
    options.kube_api_burst = parse_bounded_int(value, 1, 10000);
  });
  if (!options.spc_dir.empty() && !options.kubeconfig.empty()) {
    throw UsageError(
        "--spc-dir and --kubeconfig exclude each other: SecretProviderClasses come either from "
        "files (standalone) or from the cluster");
  }
  return options;
}

constexpr int kStyle =
    po::command_line_style::allow_long | po::command_line_style::long_allow_adjacent |
    po::command_line_style::long_allow_next | po::command_line_style::allow_short |
    po::command_line_style::allow_dash_for_short | po::command_line_style::short_allow_adjacent |
    po::command_line_style::short_allow_next |
    // -endpoint=… as Go's flag package accepts it; no prefix guessing
    po::command_line_style::allow_long_disguise;

po::variables_map parse_command_line(const std::vector<std::string>& args, const Descriptions& d) {
  po::options_description all;
  all.add(d.file_keys).add(d.command_only).add(d.hidden);
  po::positional_options_description positional;
  positional.add(kPositional, -1);
  po::variables_map values;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).style(kStyle).run(),
              values);
  } catch (const po::unknown_option& error) {
    throw UsageError(fmt::format("unknown option {}", error.get_option_name()));
  } catch (const po::error& error) {
    throw UsageError(error.what());
  }
  return values;
}

// Checked after the values: `--endpoint --nodeid x` gives endpoint "--nodeid" (as Go's flag
// package does), and the endpoint's error explains that better than the stray "x" would.
void refuse_positional_arguments(const po::variables_map& command_line) {
  if (is_given(command_line, kPositional)) {
    throw UsageError(fmt::format("unexpected argument \"{}\" (options start with --)",
                                 command_line[kPositional].as<std::vector<std::string>>().front()));
  }
}

po::variables_map parse_config_file(const std::filesystem::path& file, const Descriptions& d) {
  // The file chooses the plugin directory, the socket and the state directory: whoever may
  // change it could run code as the host, so it is held to the plugins' owner and mode rules.
  std::string text;
  try {
    text = mount::read_trusted_file(file, kMaxConfigFileBytes);
  } catch (const std::runtime_error& error) {
    throw UsageError(fmt::format("config file {} {}", file.string(), error.what()));
  }
  std::istringstream in(text);
  po::variables_map values;
  try {
    po::store(po::parse_config_file(in, d.file_keys, /*allow_unregistered=*/false), values);
  } catch (const po::unknown_option& error) {
    throw UsageError(
        fmt::format("config file {}: unknown key \"{}\"", file.string(), error.get_option_name()));
  } catch (const po::error& error) {
    throw UsageError(fmt::format("config file {}: {}", file.string(), error.what()));
  }
  return values;
}

}  // namespace

std::string help_text() { return render_help(make_descriptions()); }

std::variant<Options, EarlyExit> parse_options(const std::vector<std::string>& args) {
  try {
    const Descriptions descriptions = make_descriptions();
    const po::variables_map command_line = parse_command_line(args, descriptions);
    if (command_line.count(kHelp) != 0) return EarlyExit{0, render_help(descriptions), ""};
    if (command_line.count(kVersion) != 0) return EarlyExit{0, version_json() + "\n", ""};

    std::vector<Layer> layers{
        {&command_line, [](const std::string& key) { return fmt::format("option --{}", key); }}};
    po::variables_map config_file;
    std::filesystem::path config_path;
    if (is_given(command_line, kConfig)) {
      config_path = command_line[kConfig].as<std::string>();
      if (config_path.empty()) throw UsageError("option --config: the file name is empty");
      config_file = parse_config_file(config_path, descriptions);
      layers.push_back({&config_file, [config_path](const std::string& key) {
                          return fmt::format("key \"{}\" in config file {}", key,
                                             config_path.string());
                        }});
    }
    Options options = resolve(layers);
    refuse_positional_arguments(command_line);
    options.config_file = config_path;
    return options;
  } catch (const UsageError& error) {
    return EarlyExit{kUsageExitCode, "",
                     fmt::format("sscsi-host: {} (see sscsi-host --help)\n", error.what())};
  } catch (const std::exception& error) {
    // Anything unexpected from the parser library is still a usage problem, never a crash.
    return EarlyExit{kUsageExitCode, "",
                     fmt::format("sscsi-host: cannot parse the options: {} (see sscsi-host "
                                 "--help)\n",
                                 error.what())};
  }
}

}  // namespace sscsi::app
