#pragma once
// Bounds on `objects`, checked before any network call.

#include <cstddef>
#include <cstdint>

namespace sscsi::azure {

// Upstream has no limit. A SecretProviderClass with more objects than this is a mistake (a
// generated list gone wrong) rather than a real volume, and every object costs at least one Key
// Vault request per pod and rotation (the vault throttles at roughly 2000 requests per 10 s).
inline constexpr std::size_t kMaxObjects = 1000;

// objectVersionHistory above this is refused. Upstream's own tests use 200; each synced version
// is one more request and one more file per pod, and a typo (10000000) should fail loudly
// instead of listing a vault's whole history on every mount.
inline constexpr std::int32_t kMaxVersionHistory = 1000;

// What the host accepts for a file path (sdk/include/sscsi/provider.h, add_file): refusing
// longer names here gives the error before any request is made, naming the object.
inline constexpr std::size_t kMaxPathBytes = 4096;
inline constexpr std::size_t kMaxPathElementBytes = 255;

}  // namespace sscsi::azure
