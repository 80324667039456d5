#include "sscsi-ctl/commands.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <grpcpp/grpcpp.h>

#include "csi/endpoint.h"
#include "csi/proto/csi.grpc.pb.h"
#include "csi/status_codes.h"
#include "rotation/proto/admin.grpc.pb.h"
#include "sscsi-ctl/command_line.h"
#include "sscsi-ctl/publish_request.h"
#include "sscsi-ctl/volume_listing.h"

namespace sscsi::tools {
namespace {

namespace pb = ::csi::v1;

constexpr int kOk = 0;
constexpr int kCsiError = 1;
constexpr int kUsageError = 2;

// Everything a command needs: where to print and how to reach the driver.
struct Session {
  std::ostream& out;
  std::ostream& err;
  std::shared_ptr<grpc::Channel> channel;
  std::chrono::milliseconds timeout;

  std::unique_ptr<grpc::ClientContext> context() const {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + timeout);
    return context;
  }

  int csi_error(const grpc::Status& status) const {
    fmt::print(err, "error: {}: {}\n", sscsi::csi::code_name(status.error_code()),
               status.error_message());
    return kCsiError;
  }
};

// sscsi-ctl sends --secret values and service-account tokens to the socket. A socket that
// neither root nor this user owns was made by someone else (on a shared machine the default
// /tmp/csi.sock can be taken first): nothing is sent to it.
std::optional<std::string> socket_owner_problem(const std::filesystem::path& socket) {
  struct stat status {};
  if (::stat(socket.c_str(), &status) != 0) return std::nullopt;  // gRPC says what is missing
  if (status.st_uid == 0 || status.st_uid == ::geteuid()) return std::nullopt;
  return fmt::format(
      "{} is owned by uid {}, not by root or this user (uid {}), so it is not sscsi-host's "
      "socket; nothing was sent to it",
      socket.string(), status.st_uid, ::geteuid());
}

int usage_error(std::ostream& err, std::string_view message) {
  fmt::print(err, "sscsi-ctl: {}\nRun 'sscsi-ctl --help' for usage.\n", message);
  return kUsageError;
}

int run(const Session& session, const ProbeCommand&) {
  auto stub = pb::Identity::NewStub(session.channel);
  pb::ProbeResponse response;
  const grpc::Status status = stub->Probe(session.context().get(), pb::ProbeRequest(), &response);
  if (!status.ok()) return session.csi_error(status);
  // The spec: an unset `ready` means ready.
  fmt::print(session.out, "ready: {}{}\n", response.has_ready() ? response.ready().value() : true,
             response.has_ready() ? "" : " (not reported)");
  return kOk;
}

int run(const Session& session, const InfoCommand&) {
  auto identity = pb::Identity::NewStub(session.channel);
  auto node = pb::Node::NewStub(session.channel);

  pb::GetPluginInfoResponse info;
  grpc::Status status =
      identity->GetPluginInfo(session.context().get(), pb::GetPluginInfoRequest(), &info);
  if (!status.ok()) return session.csi_error(status);

  pb::GetPluginCapabilitiesResponse plugin_caps;
  status = identity->GetPluginCapabilities(session.context().get(),
                                           pb::GetPluginCapabilitiesRequest(), &plugin_caps);
  if (!status.ok()) return session.csi_error(status);

  pb::NodeGetInfoResponse node_info;
  status = node->NodeGetInfo(session.context().get(), pb::NodeGetInfoRequest(), &node_info);
  if (!status.ok()) return session.csi_error(status);

  pb::NodeGetCapabilitiesResponse node_caps;
  status = node->NodeGetCapabilities(session.context().get(), pb::NodeGetCapabilitiesRequest(),
                                     &node_caps);
  if (!status.ok()) return session.csi_error(status);

  std::vector<std::string> plugin_names;
  for (const auto& capability : plugin_caps.capabilities()) {
    plugin_names.push_back(capability.has_service() ? pb::PluginCapability::Service::Type_Name(
                                                          capability.service().type())
                                                    : std::string("(unknown kind)"));
  }
  std::vector<std::string> node_names;
  for (const auto& capability : node_caps.capabilities()) {
    node_names.push_back(capability.has_rpc()
                             ? pb::NodeServiceCapability::RPC::Type_Name(capability.rpc().type())
                             : std::string("(unknown kind)"));
  }
  fmt::print(session.out,
             "driver:              {}\n"
             "vendor version:      {}\n"
             "plugin capabilities: {}\n"
             "node id:             {}\n"
             "node capabilities:   {}\n",
             info.name(), info.vendor_version(), fmt::join(plugin_names, ", "), node_info.node_id(),
             fmt::join(node_names, ", "));
  return kOk;
}

void print_contents(std::ostream& out, const std::string& target, const VolumeFile& file) {
  std::ifstream in(std::filesystem::path(target) / file.path, std::ios::binary);
  const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  fmt::print(out, "==> {} <==\n{}", file.path, content);
  if (!content.empty() && content.back() != '\n') out << '\n';
}

int run(const Session& session, const PublishCommand& command) {
  pb::NodePublishVolumeRequest request;
  try {
    request = make_publish_request(command, std::chrono::system_clock::now());
  } catch (const std::runtime_error& error) {
    return usage_error(session.err, error.what());
  }
  auto node = pb::Node::NewStub(session.channel);
  pb::NodePublishVolumeResponse response;
  const grpc::Status status = node->NodePublishVolume(session.context().get(), request, &response);
  if (!status.ok()) return session.csi_error(status);

  std::vector<VolumeFile> files;
  try {
    files = list_volume(command.target);
  } catch (const std::filesystem::filesystem_error& error) {
    fmt::print(session.err, "sscsi-ctl: published, but cannot list {}: {}\n", command.target,
               error.code().message());
    return kCsiError;
  }
  fmt::print(session.out, "published {} at {}: {} file{}\n", request.volume_id(), command.target,
             files.size(), files.size() == 1 ? "" : "s");
  for (const VolumeFile& file : files)
    fmt::print(session.out, "{:>10}  {}\n", file.size, file.path);
  if (command.show_contents) {
    for (const VolumeFile& file : files) print_contents(session.out, command.target, file);
  }
  return kOk;
}

int run(const Session& session, const UnpublishCommand& command) {
  const pb::NodeUnpublishVolumeRequest request = make_unpublish_request(command);
  auto node = pb::Node::NewStub(session.channel);
  pb::NodeUnpublishVolumeResponse response;
  const grpc::Status status =
      node->NodeUnpublishVolume(session.context().get(), request, &response);
  if (!status.ok()) return session.csi_error(status);
  fmt::print(session.out, "unpublished {} from {}\n", request.volume_id(), command.target);
  return kOk;
}

int run(const Session& session, const RefreshCommand& command) {
  ::sscsi::admin::v1::RefreshRequest request;
  request.set_target_path(command.target);
  auto admin = ::sscsi::admin::v1::Admin::NewStub(session.channel);
  ::sscsi::admin::v1::RefreshResponse response;
  const grpc::Status status = admin->Refresh(session.context().get(), request, &response);
  if (!status.ok()) return session.csi_error(status);
  fmt::print(session.out, "{}\n", response.message());
  return kOk;
}

}  // namespace

int run_ctl(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::variant<CtlOptions, HelpRequest> parsed;
  std::filesystem::path socket;
  try {
    parsed = parse_command_line(args);
    if (const auto* help = std::get_if<HelpRequest>(&parsed)) {
      out << help->text;
      return kOk;
    }
    socket = sscsi::csi::parse_endpoint(std::get<CtlOptions>(parsed).endpoint);
  } catch (const std::invalid_argument& error) {
    return usage_error(err, error.what());
  }
  const CtlOptions& options = std::get<CtlOptions>(parsed);
  if (const auto problem = socket_owner_problem(socket)) {
    fmt::print(err, "error: {}\n", *problem);
    return kCsiError;
  }
  const Session session{
      out, err, grpc::CreateChannel("unix:" + socket.string(), grpc::InsecureChannelCredentials()),
      options.timeout};
  return std::visit([&](const auto& command) { return run(session, command); }, options.command);
}

}  // namespace sscsi::tools
