#include "plugins/loader.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <strings.h>

#include <array>
#include <set>
#include <stdexcept>

#include "mount/wipe.h"
#include "plugins/abi_enum.h"
#include "plugins/answer_collector.h"
#include "plugins/call_table.h"
#include "plugins/host_services.h"
#include "plugins/library.h"
#include "plugins/plugin_config.h"
#include "plugins/plugin_dir.h"
#include "plugins/plugin_provider.h"
#include "plugins/plugin_text.h"
#include "plugins/table_checks.h"
#include "plugins/worker_pool.h"

namespace sscsi::plugins {
namespace {

constexpr std::size_t kCreateErrorBytes = 1024;

// Loads one file of the plugin directory: checks, dlopen, handshake, table, config, create.
class OnePlugin {
 public:
  OnePlugin(const PluginDirectory& directory, std::string file_name, const LoaderOptions& options,
            metrics::Registry& metrics, Registry& registry, std::shared_ptr<WorkerPool> pool)
      : directory_(directory),
        file_name_(std::move(file_name)),
        path_(directory.path() / file_name_),
        options_(options),
        metrics_(metrics),
        registry_(registry),
        pool_(std::move(pool)) {}

  // The provider's name when it loaded, else the reason it was refused.
  Outcome<std::string> load() {
    using Result = Outcome<std::string>;
    auto fd = directory_.open_checked(file_name_);
    if (!fd.ok()) return Result::refused(fd.reason());
    auto library = LoadedLibrary::load(fd.take(), path_);
    if (!library.ok()) return Result::refused(library.reason());

    void* entry_symbol = library.value()->symbol(SSCSI_PROVIDER_ENTRY_SYMBOL);
    if (entry_symbol == nullptr) {
      return Result::refused(fmt::format("does not export {}; is it an sscsi provider plugin?",
                                         SSCSI_PROVIDER_ENTRY_SYMBOL));
    }
    const auto entry = reinterpret_cast<sscsi_provider_entry_fn>(entry_symbol);
    const sscsi_provider* raw_table = nullptr;
    try {
      raw_table = entry(SSCSI_ABI_MAJOR, SSCSI_ABI_MINOR);
    } catch (...) {
      return Result::refused(
          fmt::format("{} let an exception escape", SSCSI_PROVIDER_ENTRY_SYMBOL));
    }
    auto table = check_provider_table(raw_table);
    if (!table.ok()) return Result::refused(table.reason());
    const std::string name = table.value().name;

    if (const Provider* existing = registry_.find(name)) {
      return Result::refused(
          fmt::format("provider name '{}' is already provided by {}", name, existing->path()));
    }
    std::string config_json = "{}";
    if (const auto it = options_.plugin_configs.find(name); it != options_.plugin_configs.end()) {
      auto config = read_plugin_config(it->second);
      if (!config.ok()) return Result::refused(config.reason());
      config_json = config.take();
    }
    // Wiped once create has seen it: it may contain credentials.
    const mount::WipedText config(std::move(config_json));

    PluginParts parts;
    parts.table = table.value();
    parts.path = path_.string();
    parts.calls = std::make_shared<CallTable>();
    parts.services = std::make_unique<HostServices>(name, spdlog::default_logger()->clone(name),
                                                    metrics_, parts.calls);

    std::array<char, kCreateErrorBytes> error{};
    int status = SSCSI_INTERNAL;  // as an int: a C plugin may return any (abi_enum.h)
    try {
      status = abi_enum_value(parts.table.create(parts.services->api(), config.text().c_str(),
                                                 &parts.instance, error.data(), error.size()));
    } catch (...) {
      return Result::refused("create let an exception escape");
    }
    error.back() = '\0';
    if (status != SSCSI_OK) return Result::refused(create_failure(status, error.data()));

    parts.library = library.take();
    std::unique_ptr<PluginProvider> provider;
    try {
      provider = std::make_unique<PluginProvider>(std::move(parts), pool_, options_.shutdown_grace);
    } catch (...) {
      parts.table.destroy(parts.instance);  // the provider never took ownership
      throw;
    }
    const std::string version = provider->version();
    if (!registry_.add(std::move(provider))) {
      return Result::refused(fmt::format("provider name '{}' is already registered", name));
    }
    spdlog::info("loaded provider {} version {} from {}", name, printable(version), path_.string());
    return Result::success(name);
  }

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  static std::string create_failure(int status, const char* message) {
    const auto code = error_code_from_status(status);
    const std::string code_text =
        code ? std::string(error_code_name(*code)) : fmt::format("status {}", status);
    const std::string reason = clean_plugin_text(message);
    if (reason.empty()) return fmt::format("create failed with {} and gave no reason", code_text);
    return fmt::format("create failed with {}: {}", code_text, reason);
  }

  const PluginDirectory& directory_;
  std::string file_name_;
  std::filesystem::path path_;
  const LoaderOptions& options_;
  metrics::Registry& metrics_;
  Registry& registry_;
  std::shared_ptr<WorkerPool> pool_;
};

void refuse(LoadReport& report, const std::filesystem::path& file, std::string reason) {
  spdlog::warn("refused plugin {}: {}", file.string(), reason);
  report.refused.push_back(Refusal{file, std::move(reason)});
}

}  // namespace

LoadReport load_plugins(const LoaderOptions& options, metrics::Registry& metrics,
                        Registry& registry) {
  const PluginDirectory directory(options.plugin_dir);
  const auto pool = std::make_shared<WorkerPool>();
  LoadReport report;
  for (const std::string& file_name : directory.plugin_names()) {
    OnePlugin plugin(directory, file_name, options, metrics, registry, pool);
    std::string reason;
    try {
      auto loaded = plugin.load();
      if (loaded.ok()) {
        report.loaded.push_back(loaded.take());
        continue;
      }
      reason = loaded.reason();
    } catch (const std::exception& e) {
      reason = fmt::format("unexpected error while loading: {}", e.what());
    } catch (...) {
      reason = "unexpected error while loading";
    }
    refuse(report, plugin.path(), std::move(reason));
  }
  const std::set<std::string> loaded(report.loaded.begin(), report.loaded.end());
  for (const auto& [name, config_file] : options.plugin_configs) {
    if (loaded.contains(name)) continue;
    refuse(report, config_file,
           fmt::format("--plugin-config names provider '{}', but no plugin with that name "
                       "loaded from {}",
                       printable(name), options.plugin_dir.string()));
  }
  return report;
}

}  // namespace sscsi::plugins
