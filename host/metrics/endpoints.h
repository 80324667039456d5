#pragma once
// The answers of GET /metrics and GET /healthz.

#include <string>
#include <vector>

#include "metrics/http_response.h"
#include "metrics/registry.h"

namespace sscsi::metrics {

// The Prometheus text exposition 0.0.4 content type that scrapers negotiate for.
inline constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

// 200 with the registry's exposition.
HttpResponse metrics_response(const Registry& registry);

// 200 "ok" when there are no problems, else 503 with one problem per line.
HttpResponse health_response(const std::vector<std::string>& problems);

}  // namespace sscsi::metrics
