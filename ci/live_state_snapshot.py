#!/usr/bin/env python3
"""Prints everything a Kuscia API holds that a scenario run could leave behind, as stable JSON: jobs (from
kuscia-mock's control plane), domains, routes, data sources and domain data (from the API itself). Used by
ci/live_safe_check.sh to compare before and after a live-safe run."""
import argparse
import http.client
import json
import ssl
import sys
import urllib.parse

DOMAINS = ["alice", "bob"]


def api(base, certs, path, body):
    parsed = urllib.parse.urlparse(base)
    context = ssl.create_default_context(cafile=f"{certs}/ca.crt")
    context.load_cert_chain(f"{certs}/kusciaapi-server.crt", f"{certs}/kusciaapi-server.key")
    with open(f"{certs}/token") as f:
        token = f.read().strip()
    conn = http.client.HTTPSConnection(parsed.hostname, parsed.port, context=context, timeout=10)
    conn.request("POST", path, json.dumps(body), {"Token": token, "Content-Type": "application/json"})
    answer = json.loads(conn.getresponse().read())
    code = answer.get("status", {}).get("code")
    if code != 0:
        sys.exit(f"{path} answered status.code {code}: {answer.get('status', {}).get('message')}")
    return answer.get("data")


def admin(base, path):
    parsed = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    conn.request("GET", path)
    return json.loads(conn.getresponse().read())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--certs", required=True)
    parser.add_argument("--admin", required=True)
    a = parser.parse_args()
    state = {
        "jobs": sorted(j["job_id"] for j in admin(a.admin, "/admin/state")["jobs"]),
        "domains": api(a.url, a.certs, "/api/v1/domain/batchQuery", {"domain_ids": DOMAINS}),
        "routes": api(a.url, a.certs, "/api/v1/route/status/batchQuery",
                      {"route_keys": [{"source": "alice", "destination": "bob"},
                                      {"source": "bob", "destination": "alice"}]}),
    }
    for domain in DOMAINS:
        state[f"datasources/{domain}"] = api(a.url, a.certs, "/api/v1/domaindatasource/list", {"domain_id": domain})
        state[f"domaindata/{domain}"] = api(a.url, a.certs, "/api/v1/domaindata/list",
                                            {"data": {"domain_id": domain}})
    print(json.dumps(state, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
