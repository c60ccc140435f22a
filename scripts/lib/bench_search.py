"""The search benchmark's client (run by scripts/bench-search): loads N events spread over 7 days through
the hub's intake, waits for both stores, then times search / histogram / facets over 1 h, 24 h and 7 d on
each backend. Reports p50/p95 of the whole request, the first page's time to first byte, and the time the
hub adds (request time minus the store call the hub reports as took_ms).

usage: bench_search.py URL INGEST_TOKEN STAFF_TOKEN N REPEATS MONGO_URI MONGO_DB ES_URL ES_PREFIX
"""
import http.client
import json
import random
import statistics
import sys
import time
import urllib.parse
import urllib.request

url, ingest_token, staff_token, n, repeats, mongo_uri, mongo_db, es_url, es_prefix = sys.argv[1:10]
n, repeats = int(n), int(repeats)
host, port = urllib.parse.urlparse(url).hostname, urllib.parse.urlparse(url).port
random.seed(7)
now = time.time()
levels = ["debug", "info", "info", "info", "notice", "warning", "error", "critical"]
services = ["core", "billing", "auth", "catalog", "search", "mailer"]


def load():
    batch = []
    for i in range(n):
        ts = now - random.random() * 7 * 86400
        batch.append(json.dumps({
            "@timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + ".%03dZ" % int(ts % 1 * 1000),
            "level": random.choice(levels), "service": random.choice(services), "host": "web-%d" % random.randrange(8),
            "message": "request %d for shop %d %s" % (i, random.randrange(500), random.choice(["ok", "payment failed", "timeout", "retry"])),
            "shop_id": random.randrange(500), "status": random.choice([200, 200, 200, 404, 500, 502]), "trace_id": "t%x" % random.randrange(1 << 40),
        }))
        if len(batch) == 1000 or i == n - 1:
            request = urllib.request.Request(url + "/api/v1/logs", data=("\n".join(batch) + "\n").encode(), method="POST",
                                             headers={"Authorization": "Bearer " + ingest_token, "Content-Type": "application/x-ndjson"})
            with urllib.request.urlopen(request, timeout=120) as response:
                assert response.status == 202, response.status
            batch = []


def es_count():
    try:
        urllib.request.urlopen(urllib.request.Request(f"{es_url}/{es_prefix}-*/_refresh", method="POST"), timeout=60).read()
        with urllib.request.urlopen(f"{es_url}/{es_prefix}-*/_count", timeout=60) as r:
            return json.load(r)["count"]
    except Exception:  # noqa: BLE001 - not there yet
        return 0


def mongo_count():
    import pymongo
    return pymongo.MongoClient(mongo_uri)[mongo_db]["logs"].estimated_document_count()


def timed(path):
    """(total ms, time to first byte ms, took_ms reported by the hub)"""
    conn = http.client.HTTPConnection(host, port, timeout=120)
    start = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": "Bearer " + staff_token})
    response = conn.getresponse()
    first_byte = time.perf_counter()
    body = response.read()
    end = time.perf_counter()
    conn.close()
    assert response.status == 200, (response.status, body[:300])
    took = json.loads(body).get("took_ms", 0)
    return (end - start) * 1000, (first_byte - start) * 1000, took


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


started = time.time()
load()
loaded = time.time() - started
while es_count() < n or mongo_count() < n:
    time.sleep(2)
stored = time.time() - started
print(f"loaded {n} events through the intake in {loaded:.1f} s; both stores hold them after {stored:.1f} s")
print(f"{'backend':<14}{'endpoint':<11}{'range':<6}{'p50 ms':>9}{'p95 ms':>9}{'TTFB p50':>10}{'hub adds p50/p95 ms':>22}")
for backend in ["elasticsearch", "mongodb"]:
    for endpoint, query in [("search", "q=level:>=error&size=100"), ("histogram", "q=level:>=error&buckets=60"),
                            ("facets", "q=level:>=error&fields=service.name,log.level")]:
        for window in ["1h", "24h", "7d"]:
            path = f"/api/v1/logs/{endpoint}?{query}&from=now-{window}&backend={backend}"
            timed(path)  # warm-up
            runs = [timed(path) for _ in range(repeats)]
            totals, ttfb, added = [r[0] for r in runs], [r[1] for r in runs], [r[0] - r[2] for r in runs]
            print(f"{backend:<14}{endpoint:<11}{window:<6}{pct(totals, 50):>9.1f}{pct(totals, 95):>9.1f}{pct(ttfb, 50):>10.1f}"
                  f"{pct(added, 50):>12.1f} / {pct(added, 95):.1f}")
