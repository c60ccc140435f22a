"""Helpers for scripts/bench (run with the project's .venv python).

  gen OUT N              write N realistic ~350-byte events as NDJSON to OUT; prints the mean size
  e2e URL TOKEN BODY REQUESTS MONGO_URI MONGO_DB ES_URL ES_PREFIX TIMEOUT
                         POST BODY REQUESTS times, then wait until MongoDB and Elasticsearch each hold
                         all the events; prints `E2E key=value ...` with the seconds from the first POST.
"""
import datetime
import json
import random
import sys
import time
import urllib.error
import urllib.request

SERVICES = {
    "core": ["billing.views", "billing.gateway", "core.topups", "core.balances", "django.request"],
    "gate": ["gate.auth", "gate.users", "gate.tokens", "django.request"],
    "communication": ["communication.sms", "communication.email", "communication.identity"],
}
LEVELS = ["info"] * 70 + ["debug"] * 12 + ["warning"] * 12 + ["error"] * 6
PATHS = ["/api/v1/payments", "/api/v1/shops/{shop}/balance", "/api/v1/topups", "/api/v1/auth/login",
         "/api/v1/campaigns/{shop}/bids", "/api/v1/verify/phone"]
MESSAGES = [
    "payment {n} for shop {shop} settled in {ms} ms",
    "top-up of {amount} RUB requested for shop {shop}",
    "bid updated for campaign {n} of shop {shop}: {amount} -> {amount2}",
    "user {user} signed in from mobile app",
    "SMS verification code sent to user {user}",
    "balance recalculated for shop {shop} after {n} operations",
    "request to CORE took {ms} ms (status 200)",
]


def event(rng: random.Random, now: datetime.datetime) -> dict:
    service = rng.choice(list(SERVICES))
    shop = rng.randint(1, 5000)
    ts = now - datetime.timedelta(seconds=rng.uniform(0, 3600))
    fill = {"n": rng.randint(1000, 99999), "shop": shop, "ms": rng.randint(3, 900),
            "amount": rng.randint(100, 50000), "amount2": rng.randint(100, 50000), "user": f"u-{rng.randint(1, 99999)}"}
    return {
        "@timestamp": ts.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "level": rng.choice(LEVELS),
        "logger": rng.choice(SERVICES[service]),
        "message": rng.choice(MESSAGES).format(**fill),
        "service": service,
        "host": f"{service}-web-{rng.randint(1, 6)}",
        "trace_id": "%032x" % rng.getrandbits(128),
        "request_id": "r-%08x" % rng.getrandbits(32),
        "shop_id": shop,
        "http_method": rng.choice(["GET", "POST", "PUT"]),
        "http_path": rng.choice(PATHS).format(shop=shop),
        "status_code": rng.choice([200] * 9 + [201, 400, 404, 502]),
        "duration_ms": fill["ms"],
    }


def gen(out: str, count: int) -> None:
    rng = random.Random(42)
    now = datetime.datetime.now(datetime.timezone.utc)
    lines = [json.dumps(event(rng, now), separators=(",", ":")) for _ in range(count)]
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{sum(len(l) + 1 for l in lines) / count:.0f}")


def post(url: str, token: str, body: bytes) -> int:
    req = urllib.request.Request(f"{url}/api/v1/logs", data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def mongo_count(client, db: str) -> int:
    database = client[db]
    return sum(database[name].estimated_document_count()
               for name in database.list_collection_names() if not name.startswith("system."))


def es_count(url: str, prefix: str) -> int:
    try:
        with urllib.request.urlopen(f"{url}/{prefix}*/_count", timeout=10) as resp:
            return int(json.load(resp).get("count", 0))
    except (urllib.error.URLError, ValueError):
        return 0


def e2e(url, token, body_path, requests, mongo_uri, mongo_db, es_url, es_prefix, timeout) -> int:
    import pymongo  # in .venv (scripts/requirements-dev.txt)

    body = open(body_path, "rb").read()
    per_request = sum(1 for line in body.splitlines() if line.strip())
    target = per_request * int(requests)
    client = pymongo.MongoClient(mongo_uri, directConnection=True, serverSelectionTimeoutMS=5000)
    start = time.monotonic()
    for i in range(int(requests)):
        status = post(url, token, body)
        if status != 202:
            print(f"E2E error=request {i + 1} was answered {status}, not 202")
            return 1
    posted = time.monotonic() - start
    done = {"mongodb": None, "elasticsearch": None}
    counts = {"mongodb": 0, "elasticsearch": 0}
    deadline = start + float(timeout)
    while time.monotonic() < deadline and None in done.values():
        if done["mongodb"] is None:
            counts["mongodb"] = mongo_count(client, mongo_db)
            if counts["mongodb"] >= target:
                done["mongodb"] = time.monotonic() - start
        if done["elasticsearch"] is None:
            counts["elasticsearch"] = es_count(es_url, es_prefix)
            if counts["elasticsearch"] >= target:
                done["elasticsearch"] = time.monotonic() - start
        time.sleep(0.1)
    fmt = lambda v: "timeout" if v is None else f"{v:.2f}"
    print(f"E2E events={target} posted_s={posted:.2f} mongodb_s={fmt(done['mongodb'])} "
          f"elasticsearch_s={fmt(done['elasticsearch'])} mongodb_count={counts['mongodb']} "
          f"elasticsearch_count={counts['elasticsearch']}")
    return 0 if None not in done.values() else 1


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "gen":
        gen(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 11 and sys.argv[1] == "e2e":
        sys.exit(e2e(*sys.argv[2:]))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
