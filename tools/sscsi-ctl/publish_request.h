#pragma once
// The NodePublishVolume/NodeUnpublishVolume requests sscsi-ctl sends, shaped like the kubelet's
// for an inline secrets-store volume (podInfoOnMount, tokenRequests, ephemeral).

#include <chrono>
#include <map>
#include <string>

#include "csi/proto/csi.pb.h"
#include "sscsi-ctl/command_line.h"

namespace sscsi::tools {

// "csi-" + hex SHA-256 of the target: the shape of the kubelet's ephemeral volume ids, and the
// same for publish and unpublish of one target.
std::string default_volume_id(const std::string& target);

// RFC 3339 in UTC with second precision, e.g. 2026-01-02T03:04:05Z.
std::string rfc3339_utc(std::chrono::system_clock::time_point time);

// The volume_context tokens value: {"<aud>":{"token":"<file content, trimmed>",
// "expirationTimestamp":"<now + 1h>"}}. Throws std::runtime_error naming a file that cannot be
// read or is empty (its content is never part of a message).
std::string service_account_tokens_json(const std::map<std::string, std::string>& token_files,
                                        std::chrono::system_clock::time_point now);

// readonly, a mount capability (SINGLE_NODE_READER_ONLY), volume_context with the SPC name, the
// pod keys, ephemeral=true and (with --token) the tokens, and `secrets` from --secret and
// --secret-file. Throws std::runtime_error naming a token or secret file that cannot be read.
::csi::v1::NodePublishVolumeRequest make_publish_request(const PublishCommand& command,
                                                         std::chrono::system_clock::time_point now);

::csi::v1::NodeUnpublishVolumeRequest make_unpublish_request(const UnpublishCommand& command);

}  // namespace sscsi::tools
