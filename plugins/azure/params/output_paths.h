#pragma once
// The files each object writes (reference azure-provider.md §2, §4.4, §6): its file name, or
// "<file name>/<i>" for i < objectVersionHistory when that is above 1.

#include <cstdint>
#include <string>
#include <vector>

#include "params/mount_request.h"

namespace sscsi::azure {

// objectVersionHistory > 1: the object syncs up to that many versions, one file each.
bool syncs_version_history(const KeyVaultObject& object);

// "<file name>/<index>": the file of the index-th newest version of a version-history object.
std::string history_file_name(const KeyVaultObject& object, std::int32_t index);

// "<type>/<name>/<index>": its object version id.
std::string history_uid(const KeyVaultObject& object, std::int32_t index);

// Refuses two objects that would write the same file, or where one's file would have to be
// the other's directory ("a" and "a/b"; "a" and a version-history "a/0"). A version-history
// object counts as writing all of its files, as it may. Deliberately unlike upstream, where the
// later object silently wins. Throws MountError(SSCSI_INVALID_PARAMETERS) naming both objects.
// (The .crt/.key files of writeCertAndKeyInSeparateFiles exist only for certificate-backed
// secrets, known after the fetch; the host refuses a duplicate path then.)
void check_output_paths(const std::vector<KeyVaultObject>& objects);

}  // namespace sscsi::azure
