"""Drives the /search page in headless Chromium (Selenium): signs in, searches, expands an event,
opens its context, turns on live tail and sees a newly ingested event arrive. Run by the Swift test
SearchPageBrowserTests; screenshots go to the artifacts directory. Exit status 0 = every step passed.

usage: search_page.py BASE_URL EMAIL PASSWORD INGEST_TOKEN ARTIFACTS_DIR
"""
import json
import sys
import time
import urllib.request

import chromium
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

base, email, password, ingest_token, artifacts = sys.argv[1:6]

driver, wait = chromium.start(height=900, timeout=15)
step = "start"


def shot(name):
    chromium.screenshot(driver, artifacts, name)


def ingest(event):
    request = urllib.request.Request(base + "/api/v1/logs", data=(json.dumps(event) + "\n").encode(), method="POST",
                                     headers={"Authorization": "Bearer " + ingest_token, "Content-Type": "application/x-ndjson"})
    with urllib.request.urlopen(request) as response:
        assert response.status == 202, response.status


try:
    step = "sign in"
    chromium.sign_in(driver, wait, base, email, password, "/search", "h1")

    step = "search"
    driver.get(base + "/search?q=shop%3A42%20payment&from=now-1h&to=now")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results tbody tr")) >= 5)
    wait.until(lambda d: "events" in d.find_element(By.ID, "status").text)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#histogram svg rect"))
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#facets li a"))
    assert driver.find_elements(By.CSS_SELECTOR, "#results mark"), "the matched word is highlighted"
    rows = driver.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    print(f"search: {len(rows)} rows, status '{driver.find_element(By.ID, 'status').text}'")
    shot("1-search")

    step = "keyboard: / focuses the query, j moves, Enter expands"
    driver.find_element(By.TAG_NAME, "body").send_keys("/")
    assert driver.switch_to.active_element.get_property("id") == "q", "/ focuses the query box"
    driver.execute_script("document.activeElement.blur()")
    driver.find_element(By.TAG_NAME, "body").send_keys("j")
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    detail = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#results tr.detail pre")))
    document = json.loads(detail.text)
    assert document["labels"]["shop_id"] == "42", document
    shot("2-expanded")

    step = "context"
    driver.find_element(By.XPATH, "//tr[contains(@class,'detail')]//button[text()='Context']").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#context tr.anchor"))
    print(f"context: {len(driver.find_elements(By.CSS_SELECTOR, '#context tr'))} rows around the event")
    shot("3-context")

    step = "facet click adds to the query"
    driver.find_element(By.CSS_SELECTOR, "#facets li a").click()
    wait.until(lambda d: "shop:42 payment " in d.find_element(By.ID, "q").get_property("value"))
    assert "service.name" in driver.current_url or "log.level" in driver.current_url, "the query is in the URL: " + driver.current_url

    step = "live tail"
    driver.get(base + "/search?q=shop%3A42&from=now-1h&to=now&live=1")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results tbody tr")) >= 5)
    time.sleep(1.0)  # the EventSource connects
    marker = f"browser live tail {int(time.time() * 1000)}"
    ingest({"message": marker, "shop_id": 42, "level": "error", "service": "billing"})
    wait.until(lambda d: any(marker in r.text for r in d.find_elements(By.CSS_SELECTOR, "#results tbody tr")))
    shot("4-live-tail")
    print("live tail: the new event arrived")
    driver.quit()
    print("OK")
except Exception as error:  # noqa: BLE001 - report which step failed, with a screenshot
    print(f"FAILED at step '{step}': {type(error).__name__}: {error}")
    try:
        shot("failure")
        print("status:", driver.find_element(By.ID, "status").text, "| query:", driver.find_element(By.ID, "q").get_property("value"),
              "| url:", driver.current_url)
    except Exception:  # noqa: BLE001
        pass
    driver.quit()
    sys.exit(1)
