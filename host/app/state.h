#pragma once
// Everything sscsi-host holds while it runs, in one place (Falco's app state). Startup steps
// fill it in order; shutdown steps empty it. Members are declared so that destruction also runs
// in a safe order: plugins go before the metric registry they record into.

#include <memory>
#include <utility>

#include "app/options.h"
#include "csi/csi_server.h"
#include "kube/api_client.h"
#include "kube/cluster_link.h"
#include "kube/spc_source.h"
#include "kube/sync/event_recorder.h"
#include "metrics/http_server.h"
#include "metrics/registry.h"
#include "mount/state_store.h"
#include "plugins/loader.h"
#include "plugins/registry.h"
#include "publish/pipeline.h"
#include "rotation/admin_service.h"
#include "rotation/scheduler.h"

namespace sscsi::app {

struct State {
  explicit State(Options parsed) : options(std::move(parsed)) {}

  Options options;
  metrics::Registry metrics;
  // Made by load_plugins and released by shutdown, so that no plugin code runs (and no plugin
  // thread exists) before the signals are blocked or after shutdown.
  std::unique_ptr<plugins::Registry> plugins;
  plugins::LoadReport load_report;  // what load_plugins loaded and refused
  // Made by start_csi_server; the server goes first at shutdown (declared last), then the
  // pipeline it calls, then what the pipeline uses.
  // Made by connect_cluster: the API client (null in standalone mode), the event recorder that
  // posts through it, the SecretProviderClass source and the cluster link the pipeline uses.
  std::unique_ptr<kube::ApiClient> api;
  std::unique_ptr<kube::EventRecorder> events;
  std::unique_ptr<kube::SpcSource> classes;
  std::unique_ptr<kube::ClusterLink> cluster;
  std::unique_ptr<mount::StateStore> mount_state;
  std::unique_ptr<publish::PublishMetrics> publish_metrics;
  std::unique_ptr<publish::Pipeline> pipeline;
  // sscsi-ctl refresh's service, made by start_csi_server (served on the CSI socket, so it
  // outlives the server), and the rotation scheduler, made by start_rotation with
  // --enable-secret-rotation; both call the pipeline, so they go before it.
  std::unique_ptr<rotation::AdminService> admin_service;
  std::unique_ptr<rotation::Scheduler> rotation;
  std::unique_ptr<csi::CsiServer> csi_server;
  // Made by start_http_servers; their handlers read the members above, so they are declared
  // after them (destroyed first) and shutdown stops them first. When --metrics-addr and
  // --health-addr are the same address, one server answers both paths and health_server stays
  // null.
  std::unique_ptr<metrics::HttpServer> metrics_server;
  std::unique_ptr<metrics::HttpServer> health_server;
  int stop_signal = 0;  // the signal that ended wait_for_signal, 0 before
};

}  // namespace sscsi::app
