#!/usr/bin/env python3
"""Ships events to DataMP Admin's Elasticsearch input with the official Elasticsearch Python client,
the way a service or a script would ship to Elasticsearch itself (used by ElasticsearchInputTests).

    elasticsearch_bulk.py URL TOKEN RUN COUNT [--auth basic|apikey|bearer]

Prints one JSON line: the server info, and for two passes of the same COUNT documents (ids
`<RUN>-<n>`, index `app-logs`, the second pass resent as a retry would be) what helpers.bulk said.
"""
import argparse
import base64
import json
import sys

from elasticsearch import Elasticsearch, helpers


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("token")
    parser.add_argument("run")
    parser.add_argument("count", type=int)
    parser.add_argument("--auth", choices=["basic", "apikey", "bearer"], default="basic")
    args = parser.parse_args()

    if args.auth == "basic":
        es = Elasticsearch(args.url, basic_auth=("datamp", args.token), request_timeout=30)
    elif args.auth == "apikey":
        es = Elasticsearch(args.url, api_key=base64.b64encode(f"shipper:{args.token}".encode()).decode(), request_timeout=30)
    else:
        es = Elasticsearch(args.url, bearer_auth=args.token, request_timeout=30)

    info = es.info()
    actions = [{"_index": "app-logs", "_id": f"{args.run}-{n}",
                "_source": {"@timestamp": "2026-12-02T10:00:00Z", "message": f"bulk event {n}", "log.level": "info",
                            "run": args.run, "n": n}} for n in range(args.count)]
    passes = []
    for _ in range(2):
        ok, errors = helpers.bulk(es, actions, chunk_size=200, raise_on_error=False, max_retries=3)
        passes.append({"ok": ok, "errors": errors})
    print(json.dumps({"version": info["version"]["number"], "passes": passes}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
