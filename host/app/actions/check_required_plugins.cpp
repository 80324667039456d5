#include <string>
#include <vector>

#include <fmt/format.h>

#include "app/actions/actions.h"

namespace sscsi::app::actions {
namespace {

// A refusal names a file, not a provider (the name may never have been read). It is taken to
// concern `name` when the file is named as plugins conventionally are (libsscsi-provider-NAME.so,
// libNAME.so, NAME.so) or when its reason quotes the name ('NAME' or "NAME").
bool concerns(const plugins::Refusal& refusal, const std::string& name) {
  const std::string stem = refusal.file.stem().string();
  return stem == "libsscsi-provider-" + name || stem == "sscsi-provider-" + name ||
         stem == "lib" + name || stem == name ||
         refusal.reason.find('\'' + name + '\'') != std::string::npos ||
         refusal.reason.find('"' + name + '"') != std::string::npos;
}

std::string describe_refusals(const std::vector<const plugins::Refusal*>& refusals) {
  std::vector<std::string> parts;
  parts.reserve(refusals.size());
  for (const plugins::Refusal* refusal : refusals) {
    parts.push_back(fmt::format("{} ({})", refusal->file.string(), refusal->reason));
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

std::string why_missing(const State& state, const std::string& name) {
  const auto& refused = state.load_report.refused;
  std::vector<const plugins::Refusal*> matching;
  for (const auto& refusal : refused) {
    if (concerns(refusal, name)) matching.push_back(&refusal);
  }
  if (!matching.empty()) {
    return fmt::format("required plugin \"{}\" is not loaded: refused {}", name,
                       describe_refusals(matching));
  }
  const std::string loaded = state.load_report.loaded.empty()
                                 ? std::string("none")
                                 : fmt::format("{}", fmt::join(state.load_report.loaded, ", "));
  if (refused.empty()) {
    return fmt::format(
        "required plugin \"{}\" is not loaded: no plugin in {} provides it "
        "(loaded: {})",
        name, state.options.plugin_dir.string(), loaded);
  }
  // We cannot tell which refused file would have provided it: name them all.
  std::vector<const plugins::Refusal*> all;
  for (const auto& refusal : refused) all.push_back(&refusal);
  return fmt::format(
      "required plugin \"{}\" is not loaded: no plugin in {} provides it "
      "(loaded: {}); refused files, one of which may be it: {}",
      name, state.options.plugin_dir.string(), loaded, describe_refusals(all));
}

}  // namespace

ActionResult check_required_plugins(State& state) {
  std::vector<std::string> problems;
  for (const std::string& name : state.options.required_plugins) {
    if (state.plugins != nullptr && state.plugins->find(name) != nullptr) continue;
    problems.push_back(why_missing(state, name));
  }
  if (problems.empty()) return ActionResult::next();
  return ActionResult::stop(1,
                            fmt::format("{} (see --require-plugins)", fmt::join(problems, "; ")));
}

}  // namespace sscsi::app::actions
