#include "csi_client.h"

#include <algorithm>
#include <cstdint>
#include <thread>

#include <fmt/format.h>

#include "csi/status_codes.h"
#include "sscsi-ctl/publish_request.h"

namespace sscsi::bench {
namespace {

namespace pb = ::csi::v1;
using Clock = std::chrono::steady_clock;

double millis_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

std::shared_ptr<grpc::Channel> unix_channel(const std::filesystem::path& socket) {
  return grpc::CreateChannel("unix:" + socket.string(), grpc::InsecureChannelCredentials());
}

// One storm: every call is prepared first, then all are started back to back from this thread,
// then the answers are collected in the order they come.
template <typename Request, typename Response, typename Prepare>
StormResult run_storm(const std::vector<Request>& requests, Prepare prepare,
                      std::chrono::system_clock::time_point deadline) {
  struct Call {
    grpc::ClientContext context;
    Response response;
    grpc::Status status;
    std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> reader;
    Clock::time_point sent;
  };
  grpc::CompletionQueue queue;
  std::vector<std::unique_ptr<Call>> calls;
  calls.reserve(requests.size());
  for (const Request& request : requests) {
    auto call = std::make_unique<Call>();
    call->context.set_deadline(deadline);
    call->reader = prepare(&call->context, request, &queue);
    calls.push_back(std::move(call));
  }

  StormResult result;
  result.call_millis.resize(calls.size());
  const Clock::time_point first_send = Clock::now();
  for (std::size_t i = 0; i < calls.size(); ++i) {
    Call& call = *calls[i];
    call.sent = Clock::now();
    call.reader->StartCall();
    call.reader->Finish(&call.response, &call.status,
                        reinterpret_cast<void*>(static_cast<std::uintptr_t>(i)));
  }
  Clock::time_point last_answer = first_send;
  for (std::size_t answered = 0; answered < calls.size(); ++answered) {
    void* tag = nullptr;
    bool ok = false;
    if (!queue.Next(&tag, &ok)) break;  // not before Shutdown: every call has a deadline
    const Clock::time_point now = Clock::now();
    const auto index = static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(tag));
    Call& call = *calls[index];
    result.call_millis[index] = millis_between(call.sent, now);
    last_answer = std::max(last_answer, now);
    if (!call.status.ok()) {
      if (result.failures++ == 0) result.first_failure = describe(call.status);
    }
  }
  result.wall_millis = millis_between(first_send, last_answer);
  queue.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (queue.Next(&tag, &ok)) {
  }
  return result;
}

}  // namespace

// The same requests sscsi-ctl sends (and the kubelet's shape): one builder for both.
pb::NodePublishVolumeRequest publish_request(const PodVolume& volume, const ClassRef& spc) {
  tools::PublishCommand command;
  command.target = volume.target;
  command.secret_provider_class = spc.name;
  command.pod_namespace = spc.namespace_name;
  command.pod_name = volume.pod_name;
  command.pod_uid = volume.pod_uid;
  command.volume_id = volume.volume_id;
  return tools::make_publish_request(command, std::chrono::system_clock::now());
}

pb::NodeUnpublishVolumeRequest unpublish_request(const PodVolume& volume) {
  return tools::make_unpublish_request({volume.target, volume.volume_id});
}

std::string describe(const grpc::Status& status) {
  return fmt::format("{}: {}", sscsi::csi::code_name(status.error_code()), status.error_message());
}

std::string wait_until_ready(const std::filesystem::path& socket, std::chrono::milliseconds timeout,
                             const std::function<bool()>& alive) {
  const auto deadline = Clock::now() + timeout;
  std::string last = "the socket never appeared";
  while (Clock::now() < deadline) {
    if (!alive()) return "the host process ended";
    std::error_code ec;
    if (std::filesystem::exists(socket, ec)) {
      auto stub = pb::Identity::NewStub(unix_channel(socket));
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
      pb::ProbeResponse response;
      const grpc::Status status = stub->Probe(&context, pb::ProbeRequest(), &response);
      if (status.ok() && (!response.has_ready() || response.ready().value())) return {};
      last = status.ok() ? "Probe answered not ready" : describe(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return last;
}

CsiClient::CsiClient(const std::filesystem::path& socket, std::chrono::seconds call_timeout)
    : call_timeout_(call_timeout),
      channel_(unix_channel(socket)),
      identity_(pb::Identity::NewStub(channel_)),
      node_(pb::Node::NewStub(channel_)) {}

std::chrono::system_clock::time_point CsiClient::deadline() const {
  return std::chrono::system_clock::now() + call_timeout_;
}

CallResult CsiClient::plugin_info() {
  grpc::ClientContext context;
  context.set_deadline(deadline());
  pb::GetPluginInfoResponse response;
  const auto start = Clock::now();
  CallResult result{identity_->GetPluginInfo(&context, pb::GetPluginInfoRequest(), &response), 0};
  result.millis = millis_between(start, Clock::now());
  return result;
}

CallResult CsiClient::publish(const pb::NodePublishVolumeRequest& request) {
  grpc::ClientContext context;
  context.set_deadline(deadline());
  pb::NodePublishVolumeResponse response;
  const auto start = Clock::now();
  CallResult result{node_->NodePublishVolume(&context, request, &response), 0};
  result.millis = millis_between(start, Clock::now());
  return result;
}

CallResult CsiClient::unpublish(const pb::NodeUnpublishVolumeRequest& request) {
  grpc::ClientContext context;
  context.set_deadline(deadline());
  pb::NodeUnpublishVolumeResponse response;
  const auto start = Clock::now();
  CallResult result{node_->NodeUnpublishVolume(&context, request, &response), 0};
  result.millis = millis_between(start, Clock::now());
  return result;
}

StormResult CsiClient::publish_storm(const std::vector<pb::NodePublishVolumeRequest>& requests) {
  return run_storm<pb::NodePublishVolumeRequest, pb::NodePublishVolumeResponse>(
      requests,
      [&](grpc::ClientContext* context, const pb::NodePublishVolumeRequest& request,
          grpc::CompletionQueue* queue) {
        return node_->PrepareAsyncNodePublishVolume(context, request, queue);
      },
      deadline());
}

StormResult CsiClient::unpublish_storm(
    const std::vector<pb::NodeUnpublishVolumeRequest>& requests) {
  return run_storm<pb::NodeUnpublishVolumeRequest, pb::NodeUnpublishVolumeResponse>(
      requests,
      [&](grpc::ClientContext* context, const pb::NodeUnpublishVolumeRequest& request,
          grpc::CompletionQueue* queue) {
        return node_->PrepareAsyncNodeUnpublishVolume(context, request, queue);
      },
      deadline());
}

}  // namespace sscsi::bench
