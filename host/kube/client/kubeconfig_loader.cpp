#include "kube/client/kubeconfig_loader.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "kube/client/credential_file.h"
#include "kube/objects/base64.h"
#include "kube/yaml/yaml_documents.h"

namespace sscsi::kube {
namespace {

// Thrown inside this file only, to unwind from deep inside the reader with a finished message.
struct KubeconfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const char* type_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "mapping";
    case YAML::NodeType::Sequence:
      return "list";
    case YAML::NodeType::Scalar:
      return "string";
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

bool present(const YAML::Node& node) { return node.IsDefined() && !node.IsNull(); }

class KubeconfigReader {
 public:
  explicit KubeconfigReader(const std::filesystem::path& path)
      : path_(path), directory_(std::filesystem::absolute(path).parent_path()) {}

  ClusterConfig read() {
    const YAML::Node root = parse();
    const std::string context_name = string_field(root, "current-context", "").value_or("");
    if (context_name.empty()) {
      fail("current-context is not set; choose a context with `kubectl config use-context`");
    }
    const YAML::Node context = find_named(root, "contexts", "context", context_name);
    if (!context.IsDefined()) {
      fail(fmt::format("current-context \"{}\" is not defined under contexts", context_name));
    }
    const std::string context_where = fmt::format("context \"{}\"", context_name);
    require_map(context, context_where);

    const std::string cluster_name = string_field(context, "cluster", context_where).value_or("");
    if (cluster_name.empty()) fail(fmt::format("{} names no cluster", context_where));
    const YAML::Node cluster = find_named(root, "clusters", "cluster", cluster_name);
    if (!cluster.IsDefined()) {
      fail(fmt::format("{} names cluster \"{}\", which is not defined", context_where,
                       cluster_name));
    }

    ClusterConfig config;
    config.origin = fmt::format("kubeconfig {} (context \"{}\")", path_.string(), context_name);
    read_cluster(cluster, fmt::format("cluster \"{}\"", cluster_name), config);

    // A context without a user is anonymous access, which kubectl allows too.
    const std::string user_name = string_field(context, "user", context_where).value_or("");
    if (!user_name.empty()) {
      const YAML::Node user = find_named(root, "users", "user", user_name);
      if (!user.IsDefined()) {
        fail(fmt::format("{} names user \"{}\", which is not defined", context_where, user_name));
      }
      read_user(user, fmt::format("user \"{}\"", user_name), config);
    }
    return config;
  }

  [[noreturn]] void fail(const std::string& message) const {
    throw KubeconfigError(fmt::format("kubeconfig {}: {}", path_.string(), message));
  }

 private:
  YAML::Node parse() const {
    YAML::Node root;
    {
      // Read through the credential reader: a kubeconfig holds keys and tokens, and its
      // size is bounded there.
      auto text = read_credential_file(path_);
      if (auto* error = std::get_if<std::string>(&text)) {
        throw KubeconfigError(fmt::format("kubeconfig {}", *error));
      }
      const SecretString& bytes = std::get<SecretString>(text);
      try {
        // Read in place (no extra unwiped copy of the text), and refusing what yaml-cpp would
        // misread (yaml_documents.h).
        root = load_first_yaml_document(std::string_view(bytes.data(), bytes.size()));
      } catch (const YAML::Exception& error) {
        // yaml-cpp's message names the line and the problem, not the content.
        fail(fmt::format("not valid YAML: {}", error.what()));
      }
    }
    if (!present(root)) fail("the file is empty");
    if (!root.IsMap()) {
      fail(fmt::format("the top level is a {}, not a mapping; is this a kubeconfig?",
                       type_name(root)));
    }
    return root;
  }

  void require_map(const YAML::Node& node, const std::string& where) const {
    if (!node.IsMap()) fail(fmt::format("{} must be a mapping, not a {}", where, type_name(node)));
  }

  // A string field of `map`; nullopt when absent, null or empty (kubectl treats "" as unset).
  std::optional<std::string> string_field(const YAML::Node& map, const char* key,
                                          const std::string& where) const {
    const YAML::Node value = map[key];
    if (!present(value)) return std::nullopt;
    if (!value.IsScalar()) {
      fail(fmt::format("{}{}{} must be a string, not a {}", where, where.empty() ? "" : ": ", key,
                       type_name(value)));
    }
    std::string text = value.Scalar();
    if (text.empty()) return std::nullopt;
    return text;
  }

  bool bool_field(const YAML::Node& map, const char* key, const std::string& where) const {
    const YAML::Node value = map[key];
    if (!present(value)) return false;
    bool result = false;
    if (!value.IsScalar() || !YAML::convert<bool>::decode(value, result)) {
      fail(fmt::format("{}: {} must be true or false", where, key));
    }
    return result;
  }

  // The `item_key` mapping of the entry called `name` in the list `list_key` (the kubeconfig
  // shape: `clusters: [{name: x, cluster: {...}}]`); undefined when there is none.
  YAML::Node find_named(const YAML::Node& root, const char* list_key, const char* item_key,
                        const std::string& name) const {
    const YAML::Node list = root[list_key];
    if (!present(list)) return YAML::Node(YAML::NodeType::Undefined);
    if (!list.IsSequence()) {
      fail(fmt::format("{} must be a list, not a {}", list_key, type_name(list)));
    }
    YAML::Node found(YAML::NodeType::Undefined);
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node entry = list[i];
      const std::string where = fmt::format("{}[{}]", list_key, i);
      require_map(entry, where);
      const std::optional<std::string> entry_name = string_field(entry, "name", where);
      if (!entry_name) fail(fmt::format("{} has no name", where));
      if (*entry_name != name) continue;
      if (found.IsDefined()) {
        fail(fmt::format("{} defines \"{}\" more than once", list_key, name));
      }
      const YAML::Node item = entry[item_key];
      if (!present(item)) fail(fmt::format("{} (\"{}\") has no {}", where, name, item_key));
      found = item;
    }
    return found;
  }

  // Relative paths in a kubeconfig are relative to the kubeconfig's own directory.
  std::filesystem::path resolve(const std::string& file) const {
    const std::filesystem::path path(file);
    if (path.is_absolute()) return path.lexically_normal();
    return (directory_ / path).lexically_normal();
  }

  // Checks now that a referenced file can be read, so a typo fails at startup and not at the
  // first request.
  std::filesystem::path readable_file(const std::string& where, const char* key,
                                      const std::string& file) const {
    std::filesystem::path resolved = resolve(file);
    const auto content = read_credential_file(resolved);
    if (const auto* error = std::get_if<std::string>(&content)) {
      fail(fmt::format("{}: {} {}", where, key, *error));
    }
    return resolved;
  }

  SecretString pem_data(const std::string& where, const char* key,
                        const std::string& base64) const {
    // kubeconfig writers may wrap long values; the alphabet itself has no whitespace.
    std::string compact = base64;
    std::erase_if(compact, [](char c) { return c == '\n' || c == '\r' || c == ' ' || c == '\t'; });
    std::optional<std::string> decoded = base64_decode(compact);
    if (!decoded) fail(fmt::format("{}: {} is not valid base64", where, key));
    SecretString data(std::move(*decoded));
    if (data.view().find("-----BEGIN ") == std::string_view::npos) {
      fail(fmt::format("{}: {} decodes to something that is not PEM (no -----BEGIN line)", where,
                       key));
    }
    return data;
  }

  // One of `file_key` / `data_key`, never both.
  PemSource pem_source(const YAML::Node& map, const std::string& where, const char* file_key,
                       const char* data_key) const {
    const std::optional<std::string> file = string_field(map, file_key, where);
    const std::optional<std::string> data = string_field(map, data_key, where);
    if (file && data)
      fail(fmt::format("{}: {} and {} are both set; keep one", where, file_key, data_key));
    PemSource source;
    if (file) source.file = readable_file(where, file_key, *file);
    if (data) source.data = pem_data(where, data_key, *data);
    return source;
  }

  void read_cluster(const YAML::Node& cluster, const std::string& where,
                    ClusterConfig& config) const {
    require_map(cluster, where);
    if (bool_field(cluster, "insecure-skip-tls-verify", where)) {
      fail(
          fmt::format("{}: insecure-skip-tls-verify is true, which sscsi refuses: it always "
                      "verifies the API server; set certificate-authority or "
                      "certificate-authority-data instead",
                      where));
    }
    for (const char* unsupported : {"proxy-url", "tls-server-name"}) {
      if (present(cluster[unsupported])) {
        fail(
            fmt::format("{}: {} is not supported (use HTTPS_PROXY / NO_PROXY for proxies, and a "
                        "server name the certificate covers)",
                        where, unsupported));
      }
    }
    const std::optional<std::string> server = string_field(cluster, "server", where);
    if (!server) fail(fmt::format("{}: server is not set", where));
    config.server = checked_server(where, *server);
    config.certificate_authority =
        pem_source(cluster, where, "certificate-authority", "certificate-authority-data");
  }

  std::string checked_server(const std::string& where, std::string server) const {
    constexpr std::string_view kScheme = "https://";
    if (server.rfind(kScheme, 0) != 0) {
      fail(
          fmt::format("{}: server \"{}\" is not an https:// URL; sscsi only talks TLS to the "
                      "API server",
                      where, server));
    }
    if (server.find_first_of(" \t\r\n") != std::string::npos || server.size() == kScheme.size() ||
        server[kScheme.size()] == '/') {
      fail(fmt::format("{}: server \"{}\" is not a valid URL", where, server));
    }
    while (server.size() > kScheme.size() && server.back() == '/') server.pop_back();
    return server;
  }

  void read_user(const YAML::Node& user, const std::string& where, ClusterConfig& config) const {
    require_map(user, where);
    if (present(user["exec"])) {
      fail(
          fmt::format("{}: exec credential plugins are not supported; use token, tokenFile or a "
                      "client certificate",
                      where));
    }
    if (present(user["auth-provider"])) {
      fail(
          fmt::format("{}: auth-provider plugins are not supported; use token, tokenFile or a "
                      "client certificate",
                      where));
    }
    if (present(user["username"]) || present(user["password"])) {
      fail(
          fmt::format("{}: basic authentication (username/password) is not supported; use "
                      "token, tokenFile or a client certificate",
                      where));
    }
    for (const char* unsupported : {"as", "as-uid", "as-groups", "as-user-extra"}) {
      if (present(user[unsupported])) {
        fail(fmt::format("{}: impersonation ({}) is not supported", where, unsupported));
      }
    }

    const std::optional<std::string> token = string_field(user, "token", where);
    const std::optional<std::string> token_file = string_field(user, "tokenFile", where);
    if (token && token_file)
      fail(fmt::format("{}: token and tokenFile are both set; keep one", where));
    if (token) config.token = SecretString(*token);
    if (token_file) {
      config.token_file = resolve(*token_file);
      auto content = read_credential_file(config.token_file);
      if (const auto* error = std::get_if<std::string>(&content)) {
        fail(fmt::format("{}: tokenFile {}", where, *error));
      }
      if (trim_token(std::get<SecretString>(content).view()).empty()) {
        fail(fmt::format("{}: tokenFile {} is empty", where, config.token_file.string()));
      }
    }

    config.client_certificate =
        pem_source(user, where, "client-certificate", "client-certificate-data");
    config.client_key = pem_source(user, where, "client-key", "client-key-data");
    if (config.client_certificate.empty() != config.client_key.empty()) {
      fail(fmt::format("{}: {} is set without {}", where,
                       config.client_key.empty() ? "client-certificate" : "client-key",
                       config.client_key.empty() ? "client-key" : "client-certificate"));
    }
  }

  std::filesystem::path path_;
  std::filesystem::path directory_;
};

}  // namespace

ClusterConfigResult load_kubeconfig(const std::filesystem::path& path) {
  try {
    return KubeconfigReader(path).read();
  } catch (const KubeconfigError& error) {
    return std::string(error.what());
  } catch (const YAML::Exception& error) {
    return fmt::format("kubeconfig {}: cannot be read as a kubeconfig: {}", path.string(),
                       error.what());
  }
}

}  // namespace sscsi::kube
