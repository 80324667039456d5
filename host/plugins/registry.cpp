#include "plugins/registry.h"

namespace sscsi::plugins {

Registry::~Registry() {
  // Tell every provider first, so that their grace periods for running calls overlap.
  for (auto& [name, provider] : providers_) provider->begin_shutdown();
  for (auto& [name, provider] : providers_) provider.reset();  // in name order, deterministically
}

bool Registry::add(std::unique_ptr<Provider> provider) {
  if (provider == nullptr) return false;
  const std::string name = provider->name();
  return providers_.try_emplace(name, std::move(provider)).second;
}

Provider* Registry::find(std::string_view name) const {
  const auto it = providers_.find(name);
  return it == providers_.end() ? nullptr : it->second.get();
}

std::vector<const Provider*> Registry::all() const {
  std::vector<const Provider*> providers;
  providers.reserve(providers_.size());
  for (const auto& [name, provider] : providers_) providers.push_back(provider.get());
  return providers;
}

}  // namespace sscsi::plugins
