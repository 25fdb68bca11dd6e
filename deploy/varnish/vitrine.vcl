# Varnish in front of Vitrine: caches public catalog reads (GET/HEAD) for as long as the origin's
# `s-maxage` says, serves them stale while revalidating (`stale-while-revalidate` becomes grace),
# and drops them the moment a write purges their tags (`xkey`, set from the origin's `xkey`
# response header; Vitrine's purge worker sends `PURGE` with `xkey-purge: tag1 tag2 …`, configured
# with VITRINE_CDN_PURGE_KIND=varnish and VITRINE_CDN_PURGE_URL=http://this-varnish/).
#
# Fill in the backend before loading, e.g.
#   VITRINE_BACKEND_HOST=127.0.0.1 VITRINE_BACKEND_PORT=8080 envsubst < vitrine.vcl > /etc/varnish/default.vcl
# and start varnishd with room for long tag headers (hundreds of 35-character tags):
#   varnishd -f /etc/varnish/default.vcl -p http_resp_hdr_len=65536 -p http_resp_size=98304 \
#            -p workspace_backend=256k
# Requires varnish-modules (vmod xkey); tested with Varnish 7.1 by tests/api/edge.

vcl 4.1;

import std;
import xkey;

backend vitrine {
    .host = "${VITRINE_BACKEND_HOST}";
    .port = "${VITRINE_BACKEND_PORT}";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

# Who may purge: the Vitrine servers. Extend with their addresses when they are not local.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "PURGE needs an xkey-purge header"));
        }
        # A hard purge: the objects are gone, not kept for grace.
        set req.http.x-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.x-purged));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Admin calls, private-token calls through a proxy that authenticates, and anything with a
    # cookie (a customer's session) are never shared.
    if (req.http.X-Shopify-Access-Token || req.http.Authorization || req.http.Cookie) {
        return (pass);
    }
    return (hash);
}

sub vcl_hash {
    # The URL carries the document and its variables; the host and the storefront tokens pick
    # the store, so two stores never share an entry whatever the origin's Vary says.
    hash_data(req.url);
    if (req.http.host) {
        hash_data("host:" + req.http.host);
    } else {
        hash_data("ip:" + server.ip);
    }
    hash_data("sf:" + req.http.X-Shopify-Storefront-Access-Token);
    hash_data("private:" + req.http.Shopify-Storefront-Private-Token);
    return (lookup);
}

sub vcl_backend_response {
    # Only public, explicitly shared successes are stored: never `private`, `no-store` or
    # `no-cache` answers, answers that set a cookie, errors, or answers without a lifetime (the
    # default TTL would otherwise apply). They become hit-for-miss for two minutes, so requests
    # for them go straight to the origin without queueing behind each other.
    if (beresp.status != 200
        || beresp.http.Set-Cookie
        || !beresp.http.Cache-Control
        || beresp.http.Cache-Control ~ "(?i)(private|no-store|no-cache)"
        || beresp.http.Cache-Control !~ "(?i)public") {
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # `s-maxage` is the TTL (Varnish reads it itself); the rest is for us to map.
    if (beresp.http.Cache-Control ~ "(?i)stale-while-revalidate=[0-9]+") {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, "(?i)^.*stale-while-revalidate=([0-9]+).*$", "\1") + "s",
            0s);
    } else {
        set beresp.grace = 0s;
    }
    # `stale-if-error`: keep the object that long past grace, so a revalidation can still answer
    # 304 against its strong ETag. (Serving it on origin errors past grace would need a health
    # probe; within grace Varnish already serves it while the origin fails.)
    if (beresp.http.Cache-Control ~ "(?i)stale-if-error=[0-9]+") {
        set beresp.keep = std.duration(
            regsub(beresp.http.Cache-Control, "(?i)^.*stale-if-error=([0-9]+).*$", "\1") + "s",
            0s);
    }
    return (deliver);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # The tags are for this cache; clients need not see them.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
    return (deliver);
}

sub vcl_synth {
    if (req.method == "PURGE") {
        set resp.http.x-purged = req.http.x-purged;
    }
    return (deliver);
}
