"""Drives the /search page's live tail in headless Chromium (Selenium) through a skip: with the tail
open, a burst larger than the tail reader's lag bound is ingested while the reader is made slow for
real (three more tails, opened here with the page's session, whose queries of 400 words it checks in
every event's kilobyte message; a reader that keeps up is never skipped), and the page must say that
events were skipped, then show the event after the burst. Run by the Swift test SearchPageBrowserTests (a hub
with a small spool, so the bound is 7.5 MiB); screenshots go to the artifacts directory. Exit status
0 = every step passed.

usage: search_tail_gap.py BASE_URL EMAIL PASSWORD INGEST_TOKEN ARTIFACTS_DIR
"""
import http.client
import json
import sys
import time
import urllib.parse
import urllib.request

import chromium
from selenium.webdriver.common.by import By

base, email, password, ingest_token, artifacts = sys.argv[1:6]

driver, wait = chromium.start(height=900, timeout=20)
step = "start"


def ingest(lines):
    body = "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines).encode()
    request = urllib.request.Request(base + "/api/v1/logs", data=body, method="POST",
                                     headers={"Authorization": "Bearer " + ingest_token, "Content-Type": "application/x-ndjson"})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 202, response.status


def open_slow_tails(count=3):
    """Tails through the API with the page's session cookie, each with a query of 400 words."""
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    words = " OR ".join(f"zq{i}" for i in range(400))
    address = urllib.parse.urlsplit(base)
    tails = []
    for _ in range(count):
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        connection.request("GET", "/api/v1/logs/tail?q=" + urllib.parse.quote(words),
                           headers={"Cookie": cookie, "Accept": "text/event-stream"})
        response = connection.getresponse()
        assert response.status == 200, f"a slow tail answered {response.status}"
        tails.append(connection)
    return tails


def rows_with(text):
    return [r for r in driver.find_elements(By.CSS_SELECTOR, "#results tbody tr") if text in r.text]


try:
    step = "sign in"
    chromium.sign_in(driver, wait, base, email, password, "/search", "h1")

    step = "live tail"
    driver.get(base + "/search?q=message%3Amarker&from=now-1h&to=now&live=1")
    time.sleep(1.5)  # the EventSource connects
    ingest([{"event.id": "gap-before", "message": "marker before the burst", "level": "info"}])
    wait.until(lambda d: rows_with("marker before the burst"))

    step = "a burst past the tail's bound"
    slow_tails = open_slow_tails()
    # ~1,320-byte events, 150 a request (the bound leaves a quarter MiB free beside the active
    # segment): 52 requests are past the 7.5 MiB bound. The slow tails close after it, and the reader,
    # told by the next heartbeat (1 s here), catches up at once.
    padding = "x " * 500
    for round in range(52):
        ingest([{"event.id": f"gap-burst-{round}-{n}", "message": "burst " + padding, "level": "info"} for n in range(150)])
    for tail in slow_tails:
        tail.close()
    ingest([{"event.id": "gap-after", "message": "marker after the burst", "level": "info"}])
    wait.until(lambda d: rows_with("marker after the burst"))
    status = driver.find_element(By.ID, "status").text
    assert "skipped" in status and "MiB of events" in status, "the page says events were skipped: " + status
    assert "error" in driver.find_element(By.ID, "status").get_attribute("class"), "shown as a warning"
    chromium.screenshot(driver, artifacts, "5-live-tail-gap")
    print("live tail gap: " + status)
    driver.quit()
    print("OK")
except Exception as error:  # noqa: BLE001 - report which step failed, with a screenshot
    print(f"FAILED at step '{step}': {type(error).__name__}: {error}")
    try:
        chromium.screenshot(driver, artifacts, "gap-failure")
        print("status:", driver.find_element(By.ID, "status").text, "| url:", driver.current_url)
    except Exception:  # noqa: BLE001
        pass
    driver.quit()
    sys.exit(1)
