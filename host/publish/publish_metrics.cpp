#include "publish/publish_metrics.h"

#include <span>
#include <vector>

namespace sscsi::publish {
namespace {

// Upstream reports runtime.GOOS; the host only runs on Linux (see DESIGN: Windows nodes).
constexpr std::string_view kOsType = "linux";

// prometheus.ExponentialBucketsRange(0.1, 2, 11), as upstream uses for every histogram.
const std::vector<double> kDurationBuckets = {0.1,    0.1349, 0.1821, 0.2456, 0.3314, 0.4472,
                                              0.6034, 0.8142, 1.0986, 1.4823, 2.0};

metrics::MetricId counter(metrics::Registry& r, const char* name, const char* help,
                          std::vector<std::string> labels) {
  return r.define({metrics::Kind::Counter, name, help, std::move(labels), {}});
}

}  // namespace

PublishMetrics::PublishMetrics(metrics::Registry& registry)
    : registry_(registry),
      node_publish_(counter(registry, "node_publish_total", "Successful NodePublishVolume calls.",
                            {"provider", "os_type"})),
      node_publish_error_(counter(registry, "node_publish_error_total",
                                  "Failed NodePublishVolume calls.",
                                  {"provider", "error_type", "os_type"})),
      node_unpublish_(counter(registry, "node_unpublish_total",
                              "Successful NodeUnpublishVolume calls.", {"os_type"})),
      node_unpublish_error_(counter(registry, "node_unpublish_error_total",
                                    "Failed NodeUnpublishVolume calls.", {"os_type"})),
      rotation_reconcile_(counter(registry, "rotation_reconcile_total",
                                  "Refreshes of mounted volumes.",
                                  {"provider", "os_type", "rotated"})),
      rotation_reconcile_error_(counter(registry, "rotation_reconcile_error_total",
                                        "Failed refreshes of mounted volumes.",
                                        {"provider", "error_type", "os_type", "rotated"})),
      rotation_reconcile_duration_(registry.define({metrics::Kind::Histogram,
                                                    "rotation_reconcile_duration_sec",
                                                    "Duration of refreshes, in seconds.",
                                                    {"os_type"},
                                                    kDurationBuckets})),
      sync_k8s_secret_(counter(registry, "sync_k8s_secret_total",
                               "Syncs of secretObjects into Kubernetes Secrets.",
                               {"provider", "os_type"})),
      sync_k8s_secret_duration_(registry.define({metrics::Kind::Histogram,
                                                 "sync_k8s_secret_duration_sec",
                                                 "Duration of Secret syncs, in seconds.",
                                                 {"os_type"},
                                                 kDurationBuckets})),
      shared_fetch_(counter(registry, "sscsi_shared_fetch_total",
                            "Provider answers by how they were obtained: a plugin call, a kept "
                            "answer (shared) or an identical call in progress (waited).",
                            {"provider", "result"})) {}

void PublishMetrics::record(metrics::MetricId id, std::initializer_list<std::string_view> labels,
                            double value) {
  registry_.record(id, std::span<const std::string_view>(labels.begin(), labels.size()), value);
}

void PublishMetrics::publish_ok(const std::string& provider) {
  record(node_publish_, {provider, kOsType});
}

void PublishMetrics::publish_error(const std::string& provider, const std::string& error_type) {
  record(node_publish_error_, {provider, error_type, kOsType});
}

void PublishMetrics::unpublish_ok() { record(node_unpublish_, {kOsType}); }

void PublishMetrics::unpublish_error() { record(node_unpublish_error_, {kOsType}); }

void PublishMetrics::rotation_ok(const std::string& provider, bool rotated, double seconds) {
  record(rotation_reconcile_, {provider, kOsType, rotated ? "true" : "false"});
  record(rotation_reconcile_duration_, {kOsType}, seconds);
}

void PublishMetrics::rotation_error(const std::string& provider, const std::string& error_type,
                                    double seconds) {
  record(rotation_reconcile_error_, {provider, error_type, kOsType, "false"});
  record(rotation_reconcile_duration_, {kOsType}, seconds);
}

void PublishMetrics::sync_ok(const std::string& provider, double seconds) {
  record(sync_k8s_secret_, {provider, kOsType});
  record(sync_k8s_secret_duration_, {kOsType}, seconds);
}

void PublishMetrics::shared_fetch(const std::string& provider, const char* result) {
  record(shared_fetch_, {provider, result});
}

}  // namespace sscsi::publish
