/* Compiled by tests/sdk/CMakeLists.txt as C99 and as C++20 with -Wall -Wextra -Werror -pedantic.
 * It uses every type and member of the ABI so that a header change that breaks either language
 * fails the build of this file. */
#include <sscsi/provider.h>

static void use_host(const sscsi_host_api *host) {
  uint32_t id = 0;
  const char *labels[1] = {"result"};
  const double buckets[2] = {0.1, 1.0};
  host->log(host->host_ctx, SSCSI_LOG_INFO, "x");
  (void)host->log_enabled(host->host_ctx, SSCSI_LOG_TRACE);
  (void)host->metric_define(host->host_ctx, SSCSI_METRIC_HISTOGRAM, "x_seconds", "help", labels, 1,
                            buckets, 2, &id);
  (void)host->metric_record(host->host_ctx, id, labels, 1, 0.5);
  (void)host->call_cancelled(host->host_ctx, 1u);
  (void)host->struct_size;
  (void)host->abi_major;
  (void)host->abi_minor;
}

static void use_sink(const sscsi_mount_request *request, const sscsi_mount_sink *sink) {
  size_t i;
  for (i = 0; i < request->n_current_versions; ++i) {
    (void)sink->add_object_version(sink->sink_ctx, request->current_versions[i].id,
                                   request->current_versions[i].version);
  }
  (void)sink->add_file(sink->sink_ctx, "a", request->default_file_mode, (const uint8_t *)"x", 1);
  sink->set_share_scope(sink->sink_ctx, SSCSI_SHARE_NAMESPACE_SERVICE_ACCOUNT);
  sink->set_error(sink->sink_ctx, SSCSI_THROTTLED, "slow down", 1000u);
  (void)request->call_id;
  (void)request->deadline_unix_ms;
  (void)request->attributes_json;
  (void)request->secrets_json;
  (void)request->target_path;
  (void)sink->struct_size;
}

int sscsi_header_use(const sscsi_provider *p, const sscsi_host_api *host,
                     const sscsi_mount_request *request, const sscsi_mount_sink *sink);
int sscsi_header_use(const sscsi_provider *p, const sscsi_host_api *host,
                     const sscsi_mount_request *request, const sscsi_mount_sink *sink) {
  sscsi_provider_entry_fn entry = 0;
  sscsi_status codes[8] = {SSCSI_OK,          SSCSI_INVALID_PARAMETERS, SSCSI_NOT_FOUND,
                           SSCSI_UNAUTHORIZED, SSCSI_THROTTLED,         SSCSI_UNAVAILABLE,
                           SSCSI_INTERNAL,     SSCSI_DEADLINE_EXCEEDED};
  sscsi_share_scope scopes[4] = {SSCSI_SHARE_NEVER, SSCSI_SHARE_NAMESPACE_SERVICE_ACCOUNT,
                                 SSCSI_SHARE_SAME_SECRETS, SSCSI_SHARE_NODE};
  sscsi_metric_kind kind = SSCSI_METRIC_COUNTER;
  sscsi_log_level levels[5] = {SSCSI_LOG_ERROR, SSCSI_LOG_WARN, SSCSI_LOG_INFO, SSCSI_LOG_DEBUG,
                               SSCSI_LOG_TRACE};
  (void)entry;
  (void)codes;
  (void)scopes;
  (void)kind;
  (void)levels;
  use_host(host);
  use_sink(request, sink);
  (void)p->name;
  (void)p->version;
  (void)p->create;
  (void)p->mount;
  (void)p->destroy;
  (void)p->config_schema;
  (void)p->health;
  return (int)(p->struct_size + p->abi_major + p->abi_minor) + SSCSI_ABI_MAJOR + SSCSI_ABI_MINOR;
}
