#include "provider/object_fetcher.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "common/mount_error.h"
#include "keyvault/version_selection.h"

namespace sscsi::azure {
namespace {

// One (object, version) to fetch.
struct Job {
  const KeyVaultObject* object = nullptr;
  std::string version;    // "" = latest
  std::string base_path;  // file name, or "<file name>/<i>"
  std::string id;
};

MountError wrapped(const KeyVaultObject& object, const std::string& version,
                   const MountError& cause) {
  return MountError(cause.code(),
                    fmt::format("failed to get objectType:{}, objectName:{}, objectVersion:{}: {}",
                                object_type_name(object.type), object.name, version, cause.what()),
                    cause.retry_after_ms());
}

// Runs task(i) for i in [0, n) on up to `parallel` threads (this one included). The first
// exception stops the tasks not yet started, makes `stop` true for those running, and is
// rethrown once all have returned.
void run_bounded(std::size_t n, uint32_t parallel, std::atomic<bool>& stop,
                 const std::function<void(std::size_t)>& task) {
  if (n == 0) return;  // nothing to run (and no helper count to compute from n - 1)
  std::atomic<std::size_t> next{0};
  std::mutex error_mutex;
  std::exception_ptr first_error;
  auto worker = [&] {
    for (std::size_t i = next++; i < n && !stop.load(); i = next++) {
      try {
        task(i);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
        stop = true;
      }
    }
  };
  const std::size_t helpers = std::min<std::size_t>(n, std::max<uint32_t>(parallel, 1)) - 1;
  {
    std::vector<std::jthread> threads;
    threads.reserve(helpers);
    for (std::size_t t = 0; t < helpers; ++t) threads.emplace_back(worker);
    worker();
  }
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace

std::vector<FetchedObject> fetch_objects(KeyVaultClient& vault,
                                         const std::vector<KeyVaultObject>& objects,
                                         const ConvertOptions& options, uint32_t parallel,
                                         const CallControl& control, const WarningSink& warn) {
  std::atomic<bool> stop{false};
  // Workers stop at the host's deadline or cancellation, or as soon as a sibling failed.
  const CallControl worker_control(control.deadline(),
                                   [&] { return stop.load() || control.stop_requested(); });

  // 1. Version histories: list, select, expand (one list call per history object).
  std::vector<std::vector<Job>> jobs_per_object(objects.size());
  run_bounded(objects.size(), parallel, stop, [&](std::size_t i) {
    const KeyVaultObject& object = objects[i];
    if (object.version_history <= 1) {
      jobs_per_object[i].push_back({&object, object.version, object.file_name(), object.uid()});
      return;
    }
    std::vector<std::string> versions;
    try {
      versions = select_versions(vault.list_versions(object.type, object.name, worker_control),
                                 object.version, object.version_history);
    } catch (const MountError& e) {
      throw wrapped(object, object.version, e);
    }
    for (std::size_t v = 0; v < versions.size(); ++v) {
      jobs_per_object[i].push_back({&object, versions[v],
                                    fmt::format("{}/{}", object.file_name(), v),
                                    fmt::format("{}/{}", object.uid(), v)});
    }
  });
  std::vector<Job> jobs;
  for (auto& object_jobs : jobs_per_object) {
    for (auto& job : object_jobs) jobs.push_back(std::move(job));
  }

  // 2. Every (object, version), converted into its files.
  std::vector<FetchedObject> fetched(jobs.size());
  std::mutex warn_mutex;
  const WarningSink serial_warn = [&](std::string_view text) {
    std::lock_guard lock(warn_mutex);
    if (warn) warn(text);
  };
  run_bounded(jobs.size(), parallel, stop, [&](std::size_t i) {
    const Job& job = jobs[i];
    const KeyVaultObject& object = *job.object;
    FetchedObject& out = fetched[i];
    out.id = job.id;
    out.mode = object.mode;
    try {
      switch (object.type) {
        case ObjectType::Secret: {
          const SecretBundle secret = vault.get_secret(object.name, job.version, worker_control);
          out.version = secret.version;
          out.files = secret_files(secret, object, job.base_path, options, serial_warn);
          break;
        }
        case ObjectType::Key: {
          const KeyBundle key = vault.get_key(object.name, job.version, worker_control);
          out.version = key.version;
          out.files = key_files(key, job.base_path);
          break;
        }
        case ObjectType::Cert: {
          const CertificateBundle cert =
              vault.get_certificate(object.name, job.version, worker_control);
          out.version = cert.version;
          out.files = certificate_files(cert, job.base_path);
          break;
        }
      }
    } catch (const MountError& e) {
      throw wrapped(object, job.version, e);
    }
  });
  // A sibling's failure shows up as a stop; the host's deadline must still read as one.
  if (control.stop_requested()) {
    throw MountError(SSCSI_DEADLINE_EXCEEDED,
                     "the mount's deadline passed or the host cancelled it while fetching from "
                     "Key Vault");
  }
  return fetched;
}

}  // namespace sscsi::azure
