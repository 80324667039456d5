#include "publish/shared_fetches.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <exception>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "mount/wipe.h"
#include "publish/attributes.h"

namespace sscsi::publish {
namespace {

using Clock = SharedFetches::Clock;

// The kubelet's per-pod volume context keys (pod name, uid, namespace, service account, tokens,
// ephemeral): they name the pod, not what is asked for. Namespace and service account enter the
// key as fields of their own.
constexpr std::string_view kKubeletPrefix = "csi.storage.k8s.io/";
constexpr const char* kPodNamespaceKey = "csi.storage.k8s.io/pod.namespace";
constexpr const char* kServiceAccountKey = "csi.storage.k8s.io/serviceAccount.name";

constexpr std::size_t kSaltBytes = 32;

std::string context_value(const std::map<std::string, std::string>& context, const char* key) {
  const auto it = context.find(key);
  return it == context.end() ? std::string() : it->second;
}

// Length-prefixed, so that no two different field lists encode alike.
void append_field(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}

// Views, so that no extra copy of a secret value is made (and left unwiped) on the way.
using FieldMap = std::map<std::string_view, std::string_view>;

std::size_t encoded_size(std::string_view field) {
  return std::to_string(field.size()).size() + 1 + field.size();
}

// Reserved up front: a growing string would free unwiped copies of the secrets it holds.
std::string encode_map(const FieldMap& map) {
  std::size_t size = 0;
  for (const auto& [key, value] : map) size += encoded_size(key) + encoded_size(value);
  std::string out;
  out.reserve(size);
  for (const auto& [key, value] : map) {
    append_field(out, key);
    append_field(out, value);
  }
  return out;
}

std::string sha256_hex(std::string_view salt, std::string_view domain, const std::string& text) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), salt.data(), salt.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), domain.data(), domain.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), text.data(), text.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1) {
    throw std::runtime_error("OpenSSL could not compute a SHA-256 digest for a shared-fetch key");
  }
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::string random_salt() {
  std::string salt(kSaltBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size())) !=
      1) {
    throw std::runtime_error("OpenSSL could not provide random bytes for shared-fetch keys");
  }
  return salt;
}

std::size_t answer_bytes(const plugins::MountAnswer& answer) {
  std::size_t bytes = answer.error.message.size();
  for (const mount::PayloadFile& file : answer.files) bytes += file.path.size() + file.data.size();
  for (const plugins::ObjectVersion& object : answer.versions) {
    bytes += object.id.size() + object.version.size();
  }
  return bytes;
}

plugins::MountAnswer failure(plugins::ErrorCode code, std::string message) {
  plugins::MountAnswer answer;
  answer.error = {code, std::move(message), {}};
  return answer;
}

}  // namespace

const char* fetch_result_name(FetchResult result) {
  switch (result) {
    case FetchResult::Call:
      return "call";
    case FetchResult::Shared:
      return "shared";
    case FetchResult::Waited:
      return "waited";
  }
  return "call";
}

FetchKey::FetchKey(std::string provider, std::string parameters_digest, std::string pod_namespace,
                   std::string service_account, std::string secrets_digest)
    : provider_(std::move(provider)),
      parameters_digest_(std::move(parameters_digest)),
      pod_namespace_(std::move(pod_namespace)),
      service_account_(std::move(service_account)),
      secrets_digest_(std::move(secrets_digest)) {}

std::string FetchKey::full() const {
  std::string out = "full|";
  for (const std::string* field :
       {&provider_, &parameters_digest_, &pod_namespace_, &service_account_, &secrets_digest_}) {
    append_field(out, *field);
  }
  return out;
}

std::optional<std::string> FetchKey::kept_under(plugins::ShareScope scope) const {
  std::string out;
  switch (scope) {
    case plugins::ShareScope::Never:
      return std::nullopt;
    case plugins::ShareScope::NamespaceServiceAccount:
      out = "namespace-serviceaccount|";
      append_field(out, provider_);
      append_field(out, parameters_digest_);
      append_field(out, pod_namespace_);
      append_field(out, service_account_);
      return out;
    case plugins::ShareScope::SameSecrets:
      out = "same-secrets|";
      append_field(out, provider_);
      append_field(out, parameters_digest_);
      append_field(out, secrets_digest_);
      return out;
    case plugins::ShareScope::Node:
      out = "node|";
      append_field(out, provider_);
      append_field(out, parameters_digest_);
      return out;
  }
  return std::nullopt;
}

struct SharedFetches::Flight {
  Clock::time_point started;
  bool done = false;
  std::shared_ptr<const plugins::MountAnswer> answer;
  std::condition_variable_any landed;  // _any: waiters also wait on their stop_token
};

struct SharedFetches::Kept {
  std::shared_ptr<const plugins::MountAnswer> answer;
  Clock::time_point started;  // when the call that produced it began
  Clock::time_point expires;
  std::size_t bytes = 0;
};

SharedFetches::SharedFetches(SharedFetchOptions options, Observer observer,
                             std::function<Clock::time_point()> clock)
    : options_(options),
      observer_(std::move(observer)),
      clock_(std::move(clock)),
      salt_(random_salt()) {
  if (options_.sweep_in_background && options_.window > std::chrono::milliseconds::zero()) {
    sweeper_ = std::jthread([this](std::stop_token stop) { sweep(std::move(stop)); });
  }
}

SharedFetches::~SharedFetches() {
  if (sweeper_.joinable()) {
    sweeper_.request_stop();
    sweeper_.join();
  }
  mount::wipe(salt_);
}

FetchKey SharedFetches::key(const std::string& provider,
                            const std::map<std::string, std::string>& parameters,
                            const std::map<std::string, std::string>& volume_context,
                            const std::map<std::string, std::string>& secrets) const {
  FieldMap asked(parameters.begin(), parameters.end());
  for (const auto& [name, value] : volume_context) {
    if (!std::string_view(name).starts_with(kKubeletPrefix)) asked[name] = value;
  }
  FieldMap credentials(secrets.begin(), secrets.end());
  credentials.erase(kTokensKey);
  // The encoded texts hold secrets: they are wiped before they are released.
  const mount::WipedText asked_text(encode_map(asked));
  const mount::WipedText credentials_text(encode_map(credentials));
  return FetchKey(provider, sha256_hex(salt_, "parameters|", asked_text.text()),
                  context_value(volume_context, kPodNamespaceKey),
                  context_value(volume_context, kServiceAccountKey),
                  sha256_hex(salt_, "secrets|", credentials_text.text()));
}

plugins::MountAnswer SharedFetches::fetch(plugins::Provider& provider,
                                          const plugins::MountCall& call, const FetchKey& key,
                                          std::optional<Clock::time_point> fetched_after) {
  const std::string full = key.full();
  std::unique_lock lock(mutex_);
  while (true) {
    const Clock::time_point now = clock_();
    if (std::shared_ptr<const plugins::MountAnswer> kept =
            find_kept_locked(key, now, fetched_after)) {
      lock.unlock();
      count(key, FetchResult::Shared);
      return *kept;
    }
    const auto never = never_until_.find(full);
    const bool said_never = never != never_until_.end() && now < never->second;
    const auto in_flight = flights_.find(full);
    if (in_flight == flights_.end()) {
      if (said_never) break;
      return lead(provider, call, key, full, lock);
    }
    const std::shared_ptr<Flight> flight = in_flight->second;
    // A call that began before the caller's content was fetched brings nothing newer; a plugin
    // that just said Never would make the wait pointless.
    if (said_never || (fetched_after && flight->started <= *fetched_after)) break;
    ++waiting_;
    const bool landed_in_time =
        flight->landed.wait_until(lock, call.stop, call.deadline, [&] { return flight->done; });
    --waiting_;
    if (!landed_in_time && call.stop.stop_requested()) {
      return failure(plugins::ErrorCode::Cancelled,
                     fmt::format("the call was cancelled by its caller while it waited for an "
                                 "identical call to provider '{}'",
                                 key.provider()));
    }
    if (!landed_in_time) {
      return failure(plugins::ErrorCode::DeadlineExceeded,
                     fmt::format("an identical call to provider '{}' was still running at this "
                                 "call's deadline",
                                 key.provider()));
    }
    const plugins::MountAnswer& answer = *flight->answer;
    if (answer.share_scope == plugins::ShareScope::Never) break;
    // The leader's deadline is its own: a caller with time left asks again.
    if (!answer.ok && answer.error.code == plugins::ErrorCode::DeadlineExceeded &&
        Clock::now() < call.deadline) {
      continue;
    }
    const std::shared_ptr<const plugins::MountAnswer> landed = flight->answer;
    lock.unlock();
    count(key, FetchResult::Waited);
    return *landed;
  }
  // Not shared: a call of its own, outside the single flight so that such calls run in parallel.
  lock.unlock();
  count(key, FetchResult::Call);
  return call_plugin(provider, call);
}

plugins::MountAnswer SharedFetches::lead(plugins::Provider& provider,
                                         const plugins::MountCall& call, const FetchKey& key,
                                         const std::string& full,
                                         std::unique_lock<std::mutex>& lock) {
  auto flight = std::make_shared<Flight>();
  flight->started = clock_();
  flights_.emplace(full, flight);
  lock.unlock();
  count(key, FetchResult::Call);
  auto answer = std::make_shared<const plugins::MountAnswer>(call_plugin(provider, call));
  lock.lock();
  flights_.erase(full);
  flight->answer = answer;
  flight->done = true;
  const Clock::time_point now = clock_();
  if (!answer->ok && answer->error.code == plugins::ErrorCode::Cancelled) {
    // The leader's caller went away: the answer says nothing about the plugin's scope.
  } else if (answer->share_scope == plugins::ShareScope::Never) {
    remember_never_locked(full, now);
  } else {
    never_until_.erase(full);
    keep_locked(key, answer, flight->started, now);
  }
  flight->landed.notify_all();
  lock.unlock();
  return *answer;
}

plugins::MountAnswer SharedFetches::call_plugin(plugins::Provider& provider,
                                                const plugins::MountCall& call) {
  // Provider::mount does not throw by contract; a waiter must never be stranded if it does.
  try {
    return provider.mount(call);
  } catch (const std::exception& e) {
    return failure(plugins::ErrorCode::Internal,
                   fmt::format("calling provider '{}' failed: {}", provider.name(), e.what()));
  } catch (...) {
    return failure(
        plugins::ErrorCode::Internal,
        fmt::format("calling provider '{}' failed with an unknown exception", provider.name()));
  }
}

std::shared_ptr<const plugins::MountAnswer> SharedFetches::find_kept_locked(
    const FetchKey& key, Clock::time_point now, std::optional<Clock::time_point> fetched_after) {
  drop_expired_locked(now);
  const Kept* best = nullptr;
  for (const plugins::ShareScope scope :
       {plugins::ShareScope::NamespaceServiceAccount, plugins::ShareScope::SameSecrets,
        plugins::ShareScope::Node}) {
    const auto it = kept_.find(*key.kept_under(scope));
    if (it == kept_.end()) continue;
    if (it->second.started > now) {  // the clock went back: its age cannot be told
      erase_locked(it);
      continue;
    }
    const Kept& kept = it->second;
    // A kept Throttled failure holds back every caller, a refresh too: that is its purpose.
    const bool newer = !kept.answer->ok || !fetched_after || kept.started > *fetched_after;
    if (newer && (best == nullptr || kept.started > best->started)) best = &kept;
  }
  return best == nullptr ? nullptr : best->answer;
}

void SharedFetches::keep_locked(const FetchKey& key,
                                const std::shared_ptr<const plugins::MountAnswer>& answer,
                                Clock::time_point started, Clock::time_point now) {
  if (options_.window <= std::chrono::milliseconds::zero()) return;
  const std::optional<std::string> scope_key = key.kept_under(answer->share_scope);
  if (!scope_key) return;
  Clock::time_point expires;
  if (answer->ok) {
    expires = started + options_.window;  // the content is no older than the call's start
  } else if (answer->error.code == plugins::ErrorCode::Throttled &&
             answer->error.retry_after > std::chrono::milliseconds::zero()) {
    expires = now + std::min(answer->error.retry_after, options_.max_throttle_hold);
  } else {
    return;
  }
  if (expires <= now) return;
  const std::size_t bytes = answer_bytes(*answer);
  if (bytes > options_.max_bytes) return;
  if (const auto old = kept_.find(*scope_key); old != kept_.end()) erase_locked(old);
  while (!expiry_.empty() &&
         (kept_.size() >= options_.max_entries || kept_bytes_ + bytes > options_.max_bytes)) {
    erase_locked(kept_.find(expiry_.begin()->second));
  }
  if (kept_.size() >= options_.max_entries) return;  // max_entries == 0: keep nothing
  kept_.emplace(*scope_key, Kept{answer, started, expires, bytes});
  expiry_.emplace(expires, *scope_key);
  kept_bytes_ += bytes;
  ++kept_generation_;
  sweeper_wake_.notify_all();
}

void SharedFetches::erase_locked(std::map<std::string, Kept>::iterator it) {
  expiry_.erase({it->second.expires, it->first});
  kept_bytes_ -= it->second.bytes;
  kept_.erase(it);
}

void SharedFetches::drop_expired_locked(Clock::time_point now) {
  while (!expiry_.empty() && expiry_.begin()->first <= now) {
    erase_locked(kept_.find(expiry_.begin()->second));
  }
}

void SharedFetches::remember_never_locked(const std::string& full, Clock::time_point now) {
  if (options_.window <= std::chrono::milliseconds::zero()) return;
  if (never_until_.size() >= options_.max_entries) {
    std::erase_if(never_until_, [now](const auto& entry) { return entry.second <= now; });
    // Only a hint: when it cannot be bounded otherwise, forgetting it costs one wait per key.
    if (never_until_.size() >= options_.max_entries) never_until_.clear();
  }
  never_until_[full] = now + options_.window;
}

void SharedFetches::drop_expired() {
  std::lock_guard lock(mutex_);
  const Clock::time_point now = clock_();
  drop_expired_locked(now);
  std::erase_if(never_until_, [now](const auto& entry) { return entry.second <= now; });
}

void SharedFetches::sweep(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    const Clock::time_point now = clock_();
    drop_expired_locked(now);
    std::erase_if(never_until_, [now](const auto& entry) { return entry.second <= now; });
    const std::uint64_t seen = kept_generation_;
    auto woken = [&] { return kept_generation_ != seen; };
    if (expiry_.empty()) {
      sweeper_wake_.wait(lock, stop, woken);
    } else {
      // Waits in real time for as long as the clock says is left (the clock may be a test's).
      const auto left = expiry_.begin()->first - clock_();
      sweeper_wake_.wait_for(lock, stop, std::max(left, Clock::duration::zero()), woken);
    }
  }
}

void SharedFetches::count(const FetchKey& key, FetchResult result) {
  {
    std::lock_guard lock(mutex_);
    switch (result) {
      case FetchResult::Call:
        ++counts_.calls;
        break;
      case FetchResult::Shared:
        ++counts_.shared;
        break;
      case FetchResult::Waited:
        ++counts_.waited;
        break;
    }
  }
  if (observer_) observer_(key.provider(), result);
}

SharedFetches::Counts SharedFetches::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

std::size_t SharedFetches::waiting() const {
  std::lock_guard lock(mutex_);
  return waiting_;
}

std::size_t SharedFetches::kept_count() const {
  std::lock_guard lock(mutex_);
  return kept_.size();
}

std::size_t SharedFetches::kept_bytes() const {
  std::lock_guard lock(mutex_);
  return kept_bytes_;
}

}  // namespace sscsi::publish
