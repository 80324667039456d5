#pragma once
// The loaded providers, by provider name.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/provider.h"

namespace sscsi::plugins {

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  // Destroys every instance (plugins whose calls are still running stay loaded).
  ~Registry();

  // False (and nothing added) when the name is taken.
  bool add(std::unique_ptr<Provider> provider);
  Provider* find(std::string_view name) const;
  std::vector<const Provider*> all() const;  // sorted by name

 private:
  std::map<std::string, std::unique_ptr<Provider>, std::less<>> providers_;
};

}  // namespace sscsi::plugins
