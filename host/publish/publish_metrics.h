#pragma once
// The driver's own metrics, with upstream's exposed names, labels and buckets (reference §8), so
// that dashboards and alerts written for the upstream driver keep working.

#include <string>

#include "metrics/registry.h"

namespace sscsi::publish {

class PublishMetrics {
 public:
  explicit PublishMetrics(metrics::Registry& registry);

  void publish_ok(const std::string& provider);
  void publish_error(const std::string& provider, const std::string& error_type);
  void unpublish_ok();
  void unpublish_error();
  // A refresh of a mounted volume; `rotated` = new content was written.
  void rotation_ok(const std::string& provider, bool rotated, double seconds);
  void rotation_error(const std::string& provider, const std::string& error_type, double seconds);
  // A completed sync of a class's secretObjects into Kubernetes Secrets (upstream defines these
  // and never records them).
  void sync_ok(const std::string& provider, double seconds);
  // How a mount's or refresh's provider answer was obtained (see shared_fetches.h): "call",
  // "shared" (a kept answer) or "waited" (an identical call in progress). Not an upstream metric.
  void shared_fetch(const std::string& provider, const char* result);

 private:
  void record(metrics::MetricId id, std::initializer_list<std::string_view> labels,
              double value = 1);

  metrics::Registry& registry_;
  metrics::MetricId node_publish_;
  metrics::MetricId node_publish_error_;
  metrics::MetricId node_unpublish_;
  metrics::MetricId node_unpublish_error_;
  metrics::MetricId rotation_reconcile_;
  metrics::MetricId rotation_reconcile_error_;
  metrics::MetricId rotation_reconcile_duration_;
  metrics::MetricId sync_k8s_secret_;
  metrics::MetricId sync_k8s_secret_duration_;
  metrics::MetricId shared_fetch_;
};

}  // namespace sscsi::publish
