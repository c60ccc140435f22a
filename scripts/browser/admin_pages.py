"""Drives the operators' pages in headless Chromium (Selenium): the status page marks a stopped
store (after its live refresh), a dead letter is opened and replayed, the audit is filtered, and a
support user is refused. Run by the Swift test AdminPagesBrowserTests; screenshots go to the
artifacts directory. Exit status 0 = every step passed.

usage: admin_pages.py BASE_URL ADMIN_EMAIL SUPPORT_EMAIL PASSWORD STOPPED_STORE ARTIFACTS_DIR
"""
import sys

import chromium
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

base, admin, support, password, stopped_store, artifacts = sys.argv[1:7]

driver, wait = chromium.start(height=1000, timeout=20)
step = "start"


def shot(name):
    chromium.screenshot(driver, artifacts, name)


def sign_in(email, next_path, ready):
    chromium.sign_in(driver, wait, base, email, password, next_path, ready)


def store_state(name):
    for row in driver.find_elements(By.CSS_SELECTOR, "#status-live table.status tr"):
        cells = row.find_elements(By.TAG_NAME, "td")
        if len(cells) > 1 and cells[0].text == name:
            return cells[1].text
    return None


try:
    step = "status page marks the stopped store"
    sign_in(admin, "/status", "#status-live")
    assert driver.current_url.endswith("/status"), driver.current_url
    first = driver.find_element(By.ID, "status-live")
    # The live part is swapped in every 3 s by /assets/status.js: wait for a refresh to happen.
    wait.until(lambda d: d.find_element(By.ID, "status-live") != first)
    wait.until(lambda d: store_state(stopped_store) == "unavailable")
    assert "taking logs" in driver.find_element(By.CSS_SELECTOR, "p.summary").text
    shot("1-status")

    step = "open a dead letter and replay it"
    driver.find_element(By.LINK_TEXT, "Dead letters").click()
    wait.until(lambda d: d.current_url.endswith("/dead-letters"))
    boxes = driver.find_elements(By.CSS_SELECTOR, "input[name=ids]")
    assert boxes, "a pending dead letter is listed"
    driver.find_element(By.CSS_SELECTOR, "tr.detail summary").click()
    event = driver.find_element(By.CSS_SELECTOR, "tr.detail .side-by-side pre")
    assert '"message"' in event.text, event.text
    shot("2-dead-letter")
    boxes[0].click()
    driver.find_element(By.XPATH, "//button[text()='Replay selected']").click()
    wait.until(lambda d: "notice=replayed" in d.current_url)
    assert "Done: replayed 1." in driver.find_element(By.TAG_NAME, "main").text
    shot("3-replayed")

    step = "filter the audit"
    driver.find_element(By.LINK_TEXT, "Audit").click()
    Select(driver.find_element(By.NAME, "action")).select_by_value("dead_letters_replayed")
    driver.find_element(By.NAME, "actor").send_keys(admin)
    driver.find_element(By.XPATH, "//form[@class='filters']//button").click()
    wait.until(lambda d: "action=dead_letters_replayed" in d.current_url)
    rows = driver.find_elements(By.CSS_SELECTOR, "table.audit tbody tr")
    assert len(rows) == 1 and "dead_letters_replayed" in rows[0].text, [r.text for r in rows]
    shot("4-audit")

    step = "support staff are refused the operators' pages"
    sign_in(support, "/", "nav")
    for path in ("/status", "/dead-letters", "/audit"):
        driver.get(base + path)
        assert "Not allowed" in driver.title, (path, driver.title)
        shot("5-support-refused")
    driver.get(base + "/")
    nav = driver.find_element(By.TAG_NAME, "nav").text
    assert "Status" not in nav and "Dead letters" not in nav and "Audit" not in nav, nav
    shot("6-support-home")
    print("ok: status, dead letters, audit, refusal")
except Exception as error:  # report the step, keep a screenshot of where it stopped
    shot("failed")
    print(f"FAILED at step '{step}': {error!r}\nURL: {driver.current_url}")
    sys.exit(1)
finally:
    driver.quit()
