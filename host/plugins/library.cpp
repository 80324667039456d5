#include "plugins/library.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <link.h>

#include <map>
#include <mutex>
#include <vector>

namespace sscsi::plugins {
namespace {

// Which plugin file each loaded "/proc/self/fd/N" name stands for, to name the first file when
// the same file is reached a second time (e.g. through a symlink).
struct LoadedNames {
  std::mutex mutex;
  std::map<std::string, std::string> shown_as_by_proc_path;
};
LoadedNames& loaded_names() {
  static auto* names = new LoadedNames;  // never destroyed: libraries may outlive static teardown
  return *names;
}

bool linker_knows_name(const std::string& name) {
  struct Search {
    const std::string* name;
    bool found;
  } search{&name, false};
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) {
        auto* s = static_cast<Search*>(data);
        if (info->dlpi_name != nullptr && *s->name == info->dlpi_name) s->found = true;
        return s->found ? 1 : 0;
      },
      &search);
  return search.found;
}

// dlerror's message, with the descriptor path replaced by the file the operator knows.
std::string linker_message(const std::string& proc_path, const std::filesystem::path& shown_as) {
  const char* error = dlerror();
  std::string message = error != nullptr ? error : "dlopen failed without a message";
  for (std::size_t at = message.find(proc_path); at != std::string::npos;
       at = message.find(proc_path, at)) {
    message.replace(at, proc_path.size(), shown_as.string());
    at += shown_as.string().size();
  }
  return message;
}

}  // namespace

LoadedLibrary::LoadedLibrary(UniqueFd fd, std::string proc_path)
    : fd_(std::move(fd)), proc_path_(std::move(proc_path)) {}

Outcome<std::unique_ptr<LoadedLibrary>> LoadedLibrary::load(UniqueFd fd,
                                                            const std::filesystem::path& shown_as) {
  const std::string proc_path = fmt::format("/proc/self/fd/{}", fd.get());
  std::unique_ptr<LoadedLibrary> library(new LoadedLibrary(std::move(fd), proc_path));

  boost::dll::fs::error_code error;
  dlerror();  // clear a stale message
  library->library_.load(
      proc_path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, error);
  if (error || !library->library_.is_loaded()) {
    return Outcome<std::unique_ptr<LoadedLibrary>>::refused(
        fmt::format("dlopen failed: {}", linker_message(proc_path, shown_as)));
  }

  link_map* map = nullptr;
  if (dlinfo(library->library_.native(), RTLD_DI_LINKMAP, &map) != 0 || map == nullptr) {
    return Outcome<std::unique_ptr<LoadedLibrary>>::refused(
        fmt::format("dlinfo failed: {}", linker_message(proc_path, shown_as)));
  }
  if (map->l_name == nullptr || proc_path != map->l_name) {
    const std::string other = map->l_name != nullptr ? map->l_name : "";
    std::lock_guard lock(loaded_names().mutex);
    const auto& names = loaded_names().shown_as_by_proc_path;
    const auto it = names.find(other);
    return Outcome<std::unique_ptr<LoadedLibrary>>::refused(
        fmt::format("is the same file as {}, which is already loaded",
                    it != names.end() ? it->second : (other.empty() ? "the main program" : other)));
  }
  {
    std::lock_guard lock(loaded_names().mutex);
    loaded_names().shown_as_by_proc_path[proc_path] = shown_as.string();
  }
  return Outcome<std::unique_ptr<LoadedLibrary>>::success(std::move(library));
}

LoadedLibrary::~LoadedLibrary() {
  if (library_.is_loaded()) {
    library_.unload();
    std::lock_guard lock(loaded_names().mutex);
    loaded_names().shown_as_by_proc_path.erase(proc_path_);
  }
  // dlclose may keep the object mapped (e.g. C++ unique symbols pin it). Closing the descriptor
  // then would let its number be reused and a later dlopen of the same name return this object,
  // so the descriptor is deliberately kept open for the life of the process.
  if (linker_knows_name(proc_path_)) fd_.release();
}

void* LoadedLibrary::symbol(const char* name) const noexcept {
  return dlsym(library_.native(), name);
}

}  // namespace sscsi::plugins
