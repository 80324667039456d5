/*
 * sscsi provider ABI — the whole contract between sscsi-host and a provider plugin.
 *
 * A provider plugin is a shared object (`lib<anything>.so`) in the host's plugin directory. It
 * exports exactly one symbol, `sscsi_provider_entry`, which hands the host a table of function
 * pointers (`sscsi_provider`). Everything else crosses the boundary through tables:
 *
 *   host -> plugin   sscsi_host_api        services: logging, metrics, cancellation (at create)
 *   host -> plugin   sscsi_mount_request   one mount or refresh, borrowed for the call
 *   plugin -> host   sscsi_mount_sink      where the plugin puts files, versions and errors
 *
 * RULES THAT HOLD FOR EVERY FUNCTION BELOW
 *
 * Versioning. SSCSI_ABI_MAJOR changes only when an existing member changes meaning or layout;
 *   SSCSI_ABI_MINOR grows when members are appended. The host loads a plugin when the majors are
 *   equal and the plugin's minor is <= the host's minor. Every struct that may grow starts with
 *   `struct_size` (= sizeof as the writer compiled it); a reader uses only the members that lie
 *   wholly inside `struct_size` and treats later ones as absent (NULL / 0). Structs and tables
 *   are append-only: members are never reordered, removed or inserted in the middle.
 *
 * Ownership. Nothing allocated on one side is ever freed on the other. Pointers the host passes
 *   in are borrowed: valid only until the function they were passed to returns (the host API
 *   table is the exception: it lives until `destroy` returns). The host copies everything the
 *   plugin gives it (file bytes, strings) before the sink function returns, so the plugin may
 *   free or wipe its buffers right after. Strings are UTF-8 and NUL-terminated unless a length is
 *   given. Host copies of file contents are wiped when released.
 *
 * Errors. Functions report failure with an `sscsi_status` code plus a human-readable message.
 *   Messages end up in logs, Kubernetes events and CSI errors: they must never contain secret
 *   values or tokens. No C++ exception, longjmp or signal may cross the boundary in either
 *   direction: a plugin written in C++ catches everything at its entry points.
 *
 * Threading. Stated per function. `mount` is called concurrently from many threads on one
 *   instance. Every host service is safe to call from any thread, concurrently, including
 *   threads the plugin created itself, until `destroy` returns.
 *
 * Trust. A plugin runs inside the host process with the host's privileges; the host checks what
 *   plugins answer (paths, modes, versions, deadlines) to contain bugs, not to contain malice.
 */
#ifndef SSCSI_PROVIDER_H
#define SSCSI_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version this header describes. */
#define SSCSI_ABI_MAJOR 1
#define SSCSI_ABI_MINOR 0

/* Name of the one symbol a plugin exports (see sscsi_provider_entry_fn). */
#define SSCSI_PROVIDER_ENTRY_SYMBOL "sscsi_provider_entry"

/* Marks the entry symbol as exported even when the plugin is built with hidden visibility. */
#if defined(__GNUC__) || defined(__clang__)
#define SSCSI_EXPORT __attribute__((visibility("default")))
#else
#define SSCSI_EXPORT
#endif

/* ---------------------------------------------------------------------------------------------
 * Status codes. Stable numeric values: they are part of the ABI.
 * ------------------------------------------------------------------------------------------- */
typedef enum sscsi_status {
  SSCSI_OK = 0,
  /* The request or the SecretProviderClass parameters are wrong; retrying will not help. */
  SSCSI_INVALID_PARAMETERS = 1,
  /* A named object (secret, key, certificate, version, file) does not exist. */
  SSCSI_NOT_FOUND = 2,
  /* The identity was refused or has no access to the object. */
  SSCSI_UNAUTHORIZED = 3,
  /* The backend asked us to slow down; see retry_after_ms in set_error. */
  SSCSI_THROTTLED = 4,
  /* The backend could not be reached or failed temporarily; retrying may help. */
  SSCSI_UNAVAILABLE = 5,
  /* A bug or an unexpected condition inside the plugin. */
  SSCSI_INTERNAL = 6,
  /* The call's deadline passed or the host cancelled it. */
  SSCSI_DEADLINE_EXCEEDED = 7
} sscsi_status;

/* Log levels for sscsi_host_api.log. The host maps them onto its own verbosity (-v). */
typedef enum sscsi_log_level {
  SSCSI_LOG_ERROR = 1,
  SSCSI_LOG_WARN = 2,
  SSCSI_LOG_INFO = 3,
  SSCSI_LOG_DEBUG = 4,
  SSCSI_LOG_TRACE = 5
} sscsi_log_level;

/* Metric kinds for sscsi_host_api.metric_define. */
typedef enum sscsi_metric_kind {
  /* Monotonic sum; metric_record adds a value >= 0. Name should end in `_total`. */
  SSCSI_METRIC_COUNTER = 1,
  /* Distribution over fixed buckets; metric_record observes one value. */
  SSCSI_METRIC_HISTOGRAM = 2
} sscsi_metric_kind;

/*
 * How widely the host may reuse one mount answer for other pods' requests that are identical in
 * provider and SecretProviderClass parameters. Sharing never widens access: each level names what
 * must also be identical. A plugin that never calls set_share_scope gets SSCSI_SHARE_NEVER.
 */
typedef enum sscsi_share_scope {
  /* Every mount calls the plugin. Use when the answer depends on the pod itself. */
  SSCSI_SHARE_NEVER = 0,
  /* Same pod namespace and same service account (e.g. workload identity). */
  SSCSI_SHARE_NAMESPACE_SERVICE_ACCOUNT = 1,
  /* Same nodePublishSecretRef contents (e.g. a service principal's credentials). */
  SSCSI_SHARE_SAME_SECRETS = 2,
  /* Any pod on the node (e.g. the node's managed identity). */
  SSCSI_SHARE_NODE = 3
} sscsi_share_scope;

/* ---------------------------------------------------------------------------------------------
 * Host services, handed to the plugin by `create`.
 * OWNERSHIP: host-owned; the pointer and every member stay valid until `destroy` returns.
 * THREADING: every function may be called from any thread, concurrently.
 * ------------------------------------------------------------------------------------------- */
typedef struct sscsi_host_api {
  /* sizeof(sscsi_host_api) as the host compiled it. Check it before using a member that was
   * appended after ABI 1.0. */
  uint32_t struct_size;
  /* The host's ABI version; a plugin may use it to decide which appended members exist. */
  uint32_t abi_major;
  uint32_t abi_minor;
  /* Opaque; pass it back as the first argument of every function below. */
  void *host_ctx;

  /*
   * log — write one log line through the host's logger. The host adds the time, the level and
   * the plugin's name, applies its output format (text or JSON lines) and its redaction of
   * token-like strings, and drops lines above its configured verbosity.
   * Required: always present.
   * Arguments: level — one of sscsi_log_level (others are treated as SSCSI_LOG_ERROR);
   *   message — borrowed, NUL-terminated; one line (newlines are escaped by the host). Must not
   *   contain secret values or tokens.
   * Return value: none. Never fails; a NULL message is ignored.
   */
  void (*log)(void *host_ctx, sscsi_log_level level, const char *message);

  /*
   * log_enabled — whether a line at `level` would be written. Use it to skip building costly
   * messages. Required: always present. Return value: true when log(level, …) would print.
   */
  bool (*log_enabled)(void *host_ctx, sscsi_log_level level);

  /*
   * metric_define — declare a metric that the host exposes on its /metrics endpoint.
   * Required: always present. Call it from `create` (or later, from any thread).
   * Arguments:
   *   kind — SSCSI_METRIC_COUNTER or SSCSI_METRIC_HISTOGRAM.
   *   name — Prometheus metric name `[a-zA-Z_:][a-zA-Z0-9_:]*`, borrowed.
   *   help — one line of help text, borrowed.
   *   label_names, n_labels — label names `[a-zA-Z_][a-zA-Z0-9_]*` (not starting with `__`),
   *     borrowed; n_labels may be 0 (label_names may then be NULL).
   *   buckets, n_buckets — histogram upper bounds, strictly increasing, borrowed; ignored for
   *     counters. `+Inf` is implicit.
   *   metric_id — out: the handle for metric_record.
   * Return value: SSCSI_OK; SSCSI_INVALID_PARAMETERS for a bad name, label, bucket list, or a
   *   name already defined with a different kind, help or label set. Defining the same metric
   *   again with identical arguments returns the same id (so two instances may share it).
   */
  sscsi_status (*metric_define)(void *host_ctx, sscsi_metric_kind kind, const char *name,
                                const char *help, const char *const *label_names, size_t n_labels,
                                const double *buckets, size_t n_buckets, uint32_t *metric_id);

  /*
   * metric_record — add `value` to a counter (value >= 0) or observe it in a histogram.
   * Required: always present.
   * Arguments: metric_id — from metric_define; label_values, n_label_values — borrowed, one per
   *   label name in definition order (any UTF-8; the host escapes it); value — finite.
   * Return value: SSCSI_OK; SSCSI_INVALID_PARAMETERS for an unknown id, a wrong label count, a
   *   negative counter increment or a non-finite value (the sample is dropped).
   */
  sscsi_status (*metric_record)(void *host_ctx, uint32_t metric_id,
                                const char *const *label_values, size_t n_label_values,
                                double value);

  /*
   * call_cancelled — whether the mount call `call_id` (sscsi_mount_request.call_id) should stop:
   * its deadline passed, its caller went away, the host is shutting down, or the call already
   * ended. Long calls poll it between steps (and from their own worker threads) and give up with
   * SSCSI_DEADLINE_EXCEEDED when it says true.
   * Required: always present. Cheap (no locks on the fast path); safe to poll often.
   * Return value: true when the call should stop; true for an unknown or finished call_id.
   */
  bool (*call_cancelled)(void *host_ctx, uint64_t call_id);
} sscsi_host_api;

/* ---------------------------------------------------------------------------------------------
 * One object the volume currently holds, as reported by an earlier mount (id, version).
 * OWNERSHIP: host-owned, borrowed for the duration of the mount call.
 * ------------------------------------------------------------------------------------------- */
typedef struct sscsi_object_version {
  const char *id;
  const char *version;
} sscsi_object_version;

/* ---------------------------------------------------------------------------------------------
 * One mount (first mount or refresh). Mirrors the upstream provider API's MountRequest.
 * OWNERSHIP: host-owned; the struct and everything it points to are valid only during `mount`.
 * ------------------------------------------------------------------------------------------- */
typedef struct sscsi_mount_request {
  /* sizeof(sscsi_mount_request) as the host compiled it. */
  uint32_t struct_size;
  /* File mode for files whose object sets none (upstream: 0644). Permission bits only. */
  uint32_t default_file_mode;
  /* Identifies this call for sscsi_host_api.call_cancelled. Unique for the host's lifetime. */
  uint64_t call_id;
  /* Absolute deadline in milliseconds since the Unix epoch (CLOCK_REALTIME). The host stops
   * waiting at this time; later answers are discarded. */
  int64_t deadline_unix_ms;
  /* JSON object of strings: the SecretProviderClass `parameters` overlaid with the CSI volume
   * context (pod name, namespace, uid, service account name and the service-account token JSON
   * under "csi.storage.k8s.io/serviceAccount.tokens"). Contains tokens: never log it. */
  const char *attributes_json;
  /* JSON object of strings: the nodePublishSecretRef contents, or "{}" when none. Contains
   * credentials: never log it. */
  const char *secrets_json;
  /* Absolute path of the pod's volume directory. Informational: the host writes the files. */
  const char *target_path;
  /* What the volume holds now (empty on a first mount); lets a plugin skip unchanged objects. */
  const sscsi_object_version *current_versions;
  size_t n_current_versions;
} sscsi_mount_request;

/* ---------------------------------------------------------------------------------------------
 * Where a mount call puts its answer. The host checks and copies everything during each call.
 * OWNERSHIP: host-owned, valid only during `mount`; calling it afterwards (e.g. from a thread the
 *   plugin left running) is undefined behaviour.
 * THREADING: the functions may be called from several threads of the same mount call; the host
 *   serialises them. The order of files is irrelevant.
 * A successful answer adds every file of the volume and at least one object version, and does
 * not call set_error. A failed answer calls set_error; files and versions added are discarded.
 * ------------------------------------------------------------------------------------------- */
typedef struct sscsi_mount_sink {
  /* sizeof(sscsi_mount_sink) as the host compiled it. */
  uint32_t struct_size;
  /* Opaque; pass it back as the first argument of every function below. */
  void *sink_ctx;

  /*
   * add_file — one file of the volume.
   * Arguments: path — relative, clean, '/'-separated (no leading '/', no '.' or '..' element,
   *   no empty element, at most 4096 bytes and 255 per element), borrowed; mode — permission
   *   bits 0..0777, applied exactly (umask ignored); bytes, len — contents, borrowed (bytes may
   *   be NULL when len is 0).
   * Return value: SSCSI_OK when accepted; otherwise the answer has already failed (a bad path
   *   or mode, a duplicate path, a size limit, or the call was cancelled) and the plugin should
   *   stop and return.
   */
  sscsi_status (*add_file)(void *sink_ctx, const char *path, uint32_t mode, const uint8_t *bytes,
                           size_t len);

  /*
   * add_object_version — one object the volume now holds, recorded in the pod's
   * SecretProviderClassPodStatus and sent back as current_versions on the next refresh.
   * Arguments: id — unique within the answer, non-empty (e.g. "secret/db-password"); version —
   *   opaque, may be empty; both borrowed.
   * Return value: SSCSI_OK, or an error as for add_file (e.g. a duplicate or empty id).
   */
  sscsi_status (*add_object_version)(void *sink_ctx, const char *id, const char *version);

  /*
   * set_error — fail this mount. The first call wins; later calls are ignored.
   * Arguments: code — any status except SSCSI_OK; message — non-empty, actionable, free of
   *   secrets, borrowed; retry_after_ms — for SSCSI_THROTTLED/SSCSI_UNAVAILABLE, how long the
   *   backend asked us to wait (0 = not said).
   */
  void (*set_error)(void *sink_ctx, sscsi_status code, const char *message,
                    uint32_t retry_after_ms);

  /*
   * set_share_scope — how widely this answer may be reused (see sscsi_share_scope). May be
   * called at any point of the call; the last call wins. Unknown values count as NEVER.
   */
  void (*set_share_scope)(void *sink_ctx, sscsi_share_scope scope);
} sscsi_mount_sink;

/* ---------------------------------------------------------------------------------------------
 * The plugin's table, returned by sscsi_provider_entry.
 * OWNERSHIP: plugin-owned; must stay valid and unchanged while the library is loaded (a static
 *   const object is the usual choice).
 * ------------------------------------------------------------------------------------------- */
typedef struct sscsi_provider {
  /* sizeof(sscsi_provider) as the plugin compiled it. */
  uint32_t struct_size;
  /* The ABI the plugin was built against: SSCSI_ABI_MAJOR / SSCSI_ABI_MINOR. */
  uint32_t abi_major;
  uint32_t abi_minor;
  /* Provider name, matching ^[a-zA-Z0-9_-]{1,30}$: what a SecretProviderClass names in
   * spec.provider. Unique among loaded plugins. Required. */
  const char *name;
  /* The plugin's own version (semver recommended). Required, non-empty. */
  const char *version;

  /*
   * create — make one instance from its configuration.
   * Required: yes. Called once per load, before any other function, on one thread.
   * Arguments:
   *   host — services (borrowed until destroy returns; keep the pointer).
   *   config_json — the plugin's configuration as a JSON object (from --plugin-config; "{}"
   *     when none was given), borrowed for the call.
   *   instance — out: the plugin's state, passed to mount and destroy. May stay NULL.
   *   error, error_len — host buffer for a NUL-terminated reason when create fails; the plugin
   *     writes at most error_len bytes including the NUL (truncating is fine).
   * Return value: SSCSI_OK, or another code with `error` filled (SSCSI_INVALID_PARAMETERS for a
   *   bad configuration). On failure *instance is ignored and destroy is not called.
   */
  sscsi_status (*create)(const sscsi_host_api *host, const char *config_json, void **instance,
                         char *error, size_t error_len);

  /*
   * mount — fetch the objects a pod's volume should hold and hand them to the sink.
   * Required: yes.
   * Threading: called concurrently on one instance, from host threads.
   * Arguments: instance — from create; request, sink — borrowed for the call.
   * Behaviour: honours request->deadline_unix_ms and host->call_cancelled(call_id). If the call
   *   is still running at the deadline, the host fails the mount, ignores whatever the call adds
   *   later, and keeps running; a call that never returns costs one host thread.
   * Return value: none; the outcome is what the sink received.
   */
  void (*mount)(void *instance, const sscsi_mount_request *request,
                const sscsi_mount_sink *sink);

  /*
   * destroy — release the instance. Required: yes. Called once, on one thread, after every
   * mount call on the instance has returned (the host never destroys an instance that still
   * has a call running; it leaves such a plugin loaded at exit).
   */
  void (*destroy)(void *instance);

  /* ---- optional members (NULL when absent) -------------------------------------------- */

  /*
   * config_schema — a JSON Schema (draft 2020-12) describing create's config_json, for
   * operators and tools (e.g. to check a --plugin-config file before deploying it).
   * Optional. Threading: any thread. Return value: a static NUL-terminated string owned by the
   *   plugin, valid while the library is loaded.
   */
  const char *(*config_schema)(void);

  /*
   * health — whether the instance can serve mounts (e.g. its backend endpoints are reachable),
   * for the host's /healthz.
   * Optional. Threading: any thread, concurrently with mount. Must return quickly (< 1 s).
   * Arguments: message, message_len — host buffer for a NUL-terminated reason when unhealthy.
   * Return value: SSCSI_OK when healthy; otherwise a code with `message` filled.
   */
  sscsi_status (*health)(void *instance, char *message, size_t message_len);
} sscsi_provider;

/*
 * The one symbol a plugin exports, under the name SSCSI_PROVIDER_ENTRY_SYMBOL:
 *
 *   SSCSI_EXPORT const sscsi_provider *sscsi_provider_entry(uint32_t host_abi_major,
 *                                                           uint32_t host_abi_minor);
 *
 * Purpose: the version handshake. The host calls it first, once, before anything else.
 * Arguments: the host's SSCSI_ABI_MAJOR and SSCSI_ABI_MINOR.
 * Return value: the plugin's table, or NULL when the plugin cannot work with that host (the
 *   host then refuses it). The host refuses the table when abi_major differs from its own, when
 *   abi_minor is greater than its own, or when struct_size does not cover the ABI 1.0 members.
 * Threading: called on one thread; must not call back into the host.
 */
typedef const sscsi_provider *(*sscsi_provider_entry_fn)(uint32_t host_abi_major,
                                                          uint32_t host_abi_minor);

/* Declared here so that a plugin's definition is checked against the contract. */
SSCSI_EXPORT const sscsi_provider *sscsi_provider_entry(uint32_t host_abi_major,
                                                        uint32_t host_abi_minor);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SSCSI_PROVIDER_H */
