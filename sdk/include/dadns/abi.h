/*
 * dadns plugin ABI.
 *
 * This header is the only thing a plugin and the dadns host share. It is plain C so that a
 * plugin built by another compiler, with other flags or another C++ standard library, loads
 * into a released daemon. Rules (docs/abi.md is the full policy):
 *
 *  - Only fixed-width integers, enums with explicit values, (ptr,len) strings, plain structs,
 *    function pointers and opaque handles cross the boundary.
 *  - Memory is never freed on the other side. Strings handed to a call are valid for the
 *    duration of that call only; copy what you keep. Results flow back through caller-owned
 *    buffers (dadns_status) or sink callbacks the caller provides.
 *  - Every table starts with struct_size. Tables are append-only: a minor version may add
 *    members at the end, a major version is needed for anything else. The host copies a
 *    smaller (older) table into a zeroed one, so a new member reads as 0/NULL for old plugins,
 *    and reads only the members it knows of a larger (newer) one. A plugin of a newer minor
 *    therefore loads into an older host of the same major, and must check host->struct_size
 *    before calling a host member the host may not have (dadns/sdk/host.hpp does).
 *  - No exception may cross. The C++ layer (dadns/sdk/) catches everything at the boundary.
 */
#ifndef DADNS_ABI_H
#define DADNS_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DADNS_ABI_MAJOR 1
#define DADNS_ABI_MINOR 4

/* The one symbol every plugin exports. */
#define DADNS_PLUGIN_INIT_SYMBOL "dadns_plugin_init"

/* A borrowed string: not NUL-terminated, valid for the duration of the call that passes it. */
typedef struct dadns_str {
    const char* ptr;
    size_t len;
} dadns_str;

typedef enum dadns_status_code {
    DADNS_OK = 0,
    DADNS_ERR_RETRYABLE = 1, /* try again later: connection refused, timeout, server busy */
    DADNS_ERR_PERMANENT = 2  /* retrying the same input cannot help: bad credentials, rejected zone */
} dadns_status_code;

#define DADNS_STATUS_MESSAGE_MAX 1024

/* Caller-owned result of every call. The callee fills code and message (message may be set
 * together with DADNS_OK to carry a warning, e.g. record types a backend skipped). */
typedef struct dadns_status {
    int32_t code;           /* dadns_status_code */
    uint32_t message_len;   /* bytes used in message, <= DADNS_STATUS_MESSAGE_MAX */
    char message[DADNS_STATUS_MESSAGE_MAX];
} dadns_status;

typedef enum dadns_log_level {
    DADNS_LOG_TRACE = 0,
    DADNS_LOG_DEBUG = 1,
    DADNS_LOG_INFO = 2,
    DADNS_LOG_WARN = 3,
    DADNS_LOG_ERROR = 4
} dadns_log_level;

typedef enum dadns_plugin_kind {
    DADNS_KIND_BACKEND = 1,
    DADNS_KIND_INGESTION = 2,
    DADNS_KIND_DISCOVERY = 3
} dadns_plugin_kind;

/* One resource record in presentation form. owner is absolute, lower case, with the trailing
 * dot ("www.example.com."); type is the mnemonic ("MX"); rdata holds one string per rdata field
 * as a master file writes it (MX: "10", "mail.example.com."; TXT: each quoted string). */
typedef struct dadns_record {
    dadns_str owner;
    dadns_str type;
    uint16_t rr_class; /* 1 = IN */
    uint16_t reserved;
    uint32_t ttl;
    const dadns_str* rdata;
    size_t rdata_count;
} dadns_record;

/* A whole desired zone state. name is lower case without the trailing dot ("example.com"). */
typedef struct dadns_zone {
    dadns_str name;
    uint64_t version;
    const dadns_record* records;
    size_t record_count;
} dadns_zone;

typedef void (*dadns_str_sink)(void* sink_ctx, dadns_str value);
typedef void (*dadns_zone_sink)(void* sink_ctx, const dadns_zone* zone);
/* Added in 1.1: one target of a backend instance (see dadns_backend_api.targets). */
typedef void (*dadns_target_sink)(void* sink_ctx, dadns_str target_name, dadns_str config_json);
/* Added in 1.2: one problem in an instance's settings (see dadns_plugin_desc.check_settings).
 * key is the setting's path inside the instance ("zones_dir", "servers[1].api_url"), empty for a
 * problem with the instance as a whole. */
typedef void (*dadns_setting_problem_sink)(void* sink_ctx, dadns_str key, dadns_str problem);

/* ---------------------------------------------------------------------------------------- */
/* HTTP routes a plugin registers with the host's API server.                                */

typedef struct dadns_http_header {
    dadns_str name;
    dadns_str value;
} dadns_http_header;

typedef struct dadns_http_request {
    uint32_t struct_size;
    dadns_str method;
    dadns_str path;          /* without the query string */
    dadns_str query;         /* raw query string, without '?' */
    const dadns_http_header* headers;
    size_t header_count;
    dadns_str body;
    dadns_str remote_address;
    dadns_str http_version;  /* "HTTP/1.0", "HTTP/1.1" */
    dadns_str auth_user;     /* user that passed the host's Basic auth, empty when none */
} dadns_http_request;

/* Writer the host hands to a route handler; the host copies everything it is given. */
typedef struct dadns_http_response {
    uint32_t struct_size;
    void* writer_ctx;
    void (*set_status)(void* writer_ctx, int32_t status);
    void (*add_header)(void* writer_ctx, dadns_str name, dadns_str value);
    void (*append_body)(void* writer_ctx, dadns_str data);
} dadns_http_response;

typedef void (*dadns_http_handler)(void* handler_ctx, const dadns_http_request* request,
                                   const dadns_http_response* response);

typedef enum dadns_route_auth {
    DADNS_ROUTE_AUTH_HOST = 0, /* host applies its own Basic auth rules (mutations need auth) */
    DADNS_ROUTE_AUTH_PLUGIN = 1 /* plugin checks credentials itself (e.g. DirectAdmin's form) */
} dadns_route_auth;

/* ---------------------------------------------------------------------------------------- */
/* Submitting changes.                                                                       */

typedef enum dadns_change_kind {
    DADNS_CHANGE_ZONE_TEXT = 1, /* whole zone as RFC 1035 master file text */
    DADNS_CHANGE_RECORDS = 2,   /* whole zone as records */
    DADNS_CHANGE_DELETE = 3     /* remove the zone */
} dadns_change_kind;

typedef struct dadns_change {
    uint32_t struct_size;
    int32_t kind;             /* dadns_change_kind */
    dadns_str zone;           /* zone name */
    dadns_str zone_text;      /* DADNS_CHANGE_ZONE_TEXT */
    const dadns_record* records; /* DADNS_CHANGE_RECORDS */
    size_t record_count;
    dadns_str source;         /* ingestion path: "directadmin", "hosts", "swim", ... */
    dadns_str origin_host;    /* e.g. DirectAdmin hostname that pushed it; may be empty */
    dadns_str origin_user;    /* e.g. DirectAdmin username; may be empty */
    dadns_str stamp;          /* replication stamp; empty = the host assigns a new one */
    /* Added in 1.3: 1 = store the change even where the host's safety limits (zones.safety:
     * a change that removes most of a zone, a burst of zone deletes) would refuse it. */
    int32_t force;
} dadns_change;

typedef struct dadns_change_result {
    uint32_t struct_size;
    uint64_t version;         /* version the store gave the change; 0 when ignored */
    int32_t applied;          /* 1 stored, 0 ignored (an older replication stamp) */
    int32_t record_count;
} dadns_change_result;

/* Metadata of a zone's current desired state, as read_zone passes it. */
typedef struct dadns_zone_info {
    uint32_t struct_size;
    dadns_str name;
    uint64_t version;
    int32_t deleted;
    dadns_str stamp;
    dadns_str source;
    dadns_str origin_host;
    dadns_str origin_user;
    dadns_str zone_text;      /* canonical master file text; empty when deleted */
} dadns_zone_info;

typedef void (*dadns_zone_info_sink)(void* sink_ctx, const dadns_zone_info* info);

/* Added in 1.1: where one zone stands on one running backend, as zone_backends passes it. */
typedef struct dadns_zone_backend_state {
    uint32_t struct_size;
    dadns_str backend;
    uint64_t applied_version;   /* 0 = never applied */
    int32_t failing;            /* 1 while the zone's current version fails there (retrying or dead letter) */
    int32_t dead_letter;        /* 1 when given up on until the zone changes or is redriven */
    dadns_str error;            /* why it fails; empty otherwise */
    int64_t updated_at_ms;      /* last apply or failure, ms since the epoch; 0 = never */
} dadns_zone_backend_state;

typedef void (*dadns_zone_backend_sink)(void* sink_ctx, const dadns_zone_backend_state* state);

typedef struct dadns_label {
    dadns_str name;
    dadns_str value;
} dadns_label;

/* ---------------------------------------------------------------------------------------- */
/* The host's table, handed to dadns_plugin_init. host_ctx identifies the calling plugin.    */

typedef struct dadns_host_api {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;
    void* host_ctx;

    void (*log)(void* host_ctx, int32_t level, dadns_str message);

    /* Store a desired zone state or a delete; durable when it returns DADNS_OK. */
    int32_t (*submit_change)(void* host_ctx, const dadns_change* change,
                             dadns_change_result* result, dadns_status* status);
    /* Calls sink once with the zone's current state; DADNS_ERR_PERMANENT when unknown. */
    int32_t (*read_zone)(void* host_ctx, dadns_str zone, void* sink_ctx, dadns_zone_info_sink sink,
                         dadns_status* status);
    /* Calls sink for every zone the store knows (deleted ones included), without zone_text. */
    int32_t (*list_zones)(void* host_ctx, void* sink_ctx, dadns_zone_info_sink sink,
                          dadns_status* status);

    /* Routes live until the plugin instance that registered them is destroyed. */
    int32_t (*register_route)(void* host_ctx, dadns_str method, dadns_str path_prefix,
                              int32_t auth, dadns_http_handler handler, void* handler_ctx,
                              dadns_status* status);
    /* Checks user/password against the host's API credentials (constant time). 1 = valid. */
    int32_t (*check_credentials)(void* host_ctx, dadns_str user, dadns_str password);

    void (*counter_add)(void* host_ctx, dadns_str name, dadns_str help, const dadns_label* labels,
                        size_t label_count, double value);
    void (*gauge_set)(void* host_ctx, dadns_str name, dadns_str help, const dadns_label* labels,
                      size_t label_count, double value);
    void (*histogram_observe)(void* host_ctx, dadns_str name, dadns_str help,
                              const dadns_label* labels, size_t label_count, double value);

    /* Host-owned, valid for the life of the process. */
    dadns_str (*node_id)(void* host_ctx);
    /* Base URL of this node's HTTP API, e.g. "http://127.0.0.1:2222". */
    dadns_str (*api_url)(void* host_ctx);

    /* Added in 1.1. Calls sink once per running backend with the zone's state there (a backend
     * that never saw the zone reports applied_version 0). Check struct_size before calling. */
    int32_t (*zone_backends)(void* host_ctx, dadns_str zone, void* sink_ctx, dadns_zone_backend_sink sink,
                             dadns_status* status);
} dadns_host_api;

/* ---------------------------------------------------------------------------------------- */
/* Backend: makes some DNS store hold exactly the desired zone.                              */

typedef struct dadns_backend_api {
    uint32_t struct_size;
    /* config_json is the instance's section of the configuration as a JSON object. host_ctx
     * identifies the instance: pass it to every host call made on the instance's behalf. */
    void* (*create)(void* host_ctx, dadns_str instance_name, dadns_str config_json,
                    dadns_status* status);
    void (*destroy)(void* instance);
    /* Idempotent: returns DADNS_OK once the backend's server serves exactly this zone (served,
     * not merely written: a server that loads a file in the background must at least have been
     * told to load it; the host's verification then reads until it serves). expected_count
     * receives the number of records the backend stores for it (records it cannot serve are
     * excluded). */
    int32_t (*apply)(void* instance, const dadns_zone* zone, int64_t* expected_count,
                     dadns_status* status);
    /* Returns DADNS_OK once the server no longer serves the zone. */
    int32_t (*remove)(void* instance, dadns_str zone, dadns_status* status);
    /* Records the backend holds for the zone; 0 when it does not have it. */
    int32_t (*count)(void* instance, dadns_str zone, int64_t* count, dadns_status* status);
    int32_t (*list_zones)(void* instance, void* sink_ctx, dadns_str_sink sink,
                          dadns_status* status);
    /* Repair after a count mismatch: remove whatever is not in the desired zone. */
    int32_t (*reconcile)(void* instance, const dadns_zone* zone, dadns_status* status);
    int32_t (*health)(void* instance, dadns_status* status);
    /* How many zones the instance can apply at once (calls on distinct zones). */
    uint32_t (*parallelism)(void* instance);

    /* Added in 1.1; may be NULL. Splits one configured instance into independent targets, e.g.
     * the servers of a multi-server backend: calls sink once per target with its name
     * ([a-z0-9_-], at most 64 bytes, unique) and the configuration to create it with. The host
     * then calls create once per target, named "<instance>.<target>", and gives each target its
     * own lane (applied versions, retries, status, metrics), so a failing target never holds the
     * others back. Runs before create, on the main thread. NULL, or no target reported, means
     * the instance is a single target created with its own configuration. */
    int32_t (*targets)(dadns_str instance_name, dadns_str config_json, void* sink_ctx,
                       dadns_target_sink sink, dadns_status* status);

    /* Added in 1.3; may be NULL (the host then verifies by count alone). What the backend's
     * server serves for the zone, read back from where that server reads it (named over AXFR,
     * the rows CoreDNS reads, the rrsets PowerDNS's API holds): calls sink once with those
     * records (version 0), or not at all when the zone is not served there. The host verifies
     * an apply, scans for drift and shows differences with it: verified means every record
     * served is a desired one, none twice, and as many as apply's expected_count. It only
     * reads, and may run concurrently with any call, for the same zone too. */
    int32_t (*served_records)(void* instance, dadns_str zone, void* sink_ctx, dadns_zone_sink sink,
                              dadns_status* status);

    /* Added in 1.4; may be NULL. Calls sink once with a JSON object: what the instance knows of
     * its own state beyond what the host tracks (e.g. named's control channel, a reconcile
     * under way), shown as the backend's "details" in GET /api/v1/backends. Called on the
     * host's request threads, concurrently with any call: answers from memory, at once. */
    int32_t (*describe)(void* instance, void* sink_ctx, dadns_str_sink sink);
} dadns_backend_api;

/* ---------------------------------------------------------------------------------------- */
/* Ingestion and discovery: long-lived services that talk to the host through its table.    */

typedef struct dadns_service_api {
    uint32_t struct_size;
    void* (*create)(void* host_ctx, dadns_str instance_name, dadns_str config_json,
                    dadns_status* status);
    /* Called once every plugin is loaded and the HTTP server listens. May be NULL. */
    int32_t (*start)(void* instance, dadns_status* status);
    /* Stop threads and sockets; destroy follows. May be NULL. */
    void (*stop)(void* instance);
    void (*destroy)(void* instance);
    /* A zone's desired state changed (any source). Must not block. May be NULL. */
    void (*zone_changed)(void* instance, dadns_str zone, uint64_t version, dadns_str stamp);
    /* JSON object describing the instance, shown in status. May be NULL. */
    int32_t (*describe)(void* instance, void* sink_ctx, dadns_str_sink sink);
} dadns_service_api;

/* ---------------------------------------------------------------------------------------- */

/* The first four members (struct_size, abi_major, abi_minor, name) keep their place in every
 * major version, so a host can name a plugin of another major when it refuses it. */
typedef struct dadns_plugin_desc {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;
    const char* name;        /* NUL-terminated, [a-z0-9_]+ */
    const char* version;     /* NUL-terminated */
    int32_t kind;            /* dadns_plugin_kind */
    const dadns_backend_api* backend;   /* when kind == DADNS_KIND_BACKEND */
    const dadns_service_api* service;   /* when kind is INGESTION or DISCOVERY */

    /* Added in 1.2; may be NULL. Checks one instance's settings without creating it: calls sink
     * once per problem (none when they are valid). config_json is what create would get. Runs
     * on the main thread, for `dadns --check-config` and before create; it must not start
     * threads, open connections or change files. Returns DADNS_OK when it could check (with
     * problems or without); another code, with status, when the check itself failed. */
    int32_t (*check_settings)(dadns_str instance_name, dadns_str config_json, void* sink_ctx,
                              dadns_setting_problem_sink sink, dadns_status* status);
} dadns_plugin_desc;

typedef const dadns_plugin_desc* (*dadns_plugin_init_fn)(const dadns_host_api* host);

#ifdef __cplusplus
}
#endif

#endif /* DADNS_ABI_H */
