"""Drives the /alerts page in headless Chromium (Selenium) as an on-call engineer: sees the firing
group, acknowledges it, creates a silence and expires it. Run by the Swift test
AlertsPageBrowserTests; screenshots go to the artifacts directory. Exit status 0 = every step passed.

usage: alerts_page.py BASE_URL EMAIL PASSWORD ARTIFACTS_DIR
"""
import sys

import chromium
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

base, email, password, artifacts = sys.argv[1:5]

driver, wait = chromium.start(height=1000, timeout=20)
step = "start"


def shot(name):
    chromium.screenshot(driver, artifacts, name)


def settled(check):
    """`check` for `wait.until`, False while the page is being replaced (a form's POST and redirect:
    an element found an instant before is gone, or the frame is detached, which Chromium reports as
    a bare WebDriverException that the wait would not ignore)."""
    def attempt(d):
        try:
            return check(d)
        except WebDriverException:
            return False
    return attempt


def open_groups():
    """Rows of the first table (open alert groups) as lists of cell texts."""
    table = driver.find_elements(By.TAG_NAME, "table")[0]
    return [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in table.find_elements(By.CSS_SELECTOR, "tbody tr")]


try:
    step = "sign in and see the firing group"
    chromium.sign_in(driver, wait, base, email, password, "/alerts", "table")
    groups = open_groups()
    assert any("firing" in row and any("database <down>" in cell for cell in row) for row in groups), groups
    shot("1-firing")

    step = "acknowledge"
    button = driver.find_element(By.XPATH, "//button[text()='Acknowledge']")
    button.click()
    # The URL ends in /alerts before and after the POST's redirect: wait for the old page to go.
    wait.until(EC.staleness_of(button))
    wait.until(lambda d: d.current_url.endswith("/alerts"))
    wait.until(settled(lambda d: any("acknowledged" in row and email in row for row in open_groups())))
    shot("2-acknowledged")

    step = "create a silence"
    driver.find_element(By.NAME, "matchers").send_keys("service=billing")
    driver.find_element(By.NAME, "comment").send_keys("deploy in progress")
    button = driver.find_element(By.XPATH, "//button[text()='Create silence']")
    button.click()
    wait.until(EC.staleness_of(button))
    wait.until(settled(lambda d: "deploy in progress" in d.find_element(By.TAG_NAME, "main").text))
    shot("3-silenced")

    step = "expire the silence"
    button = driver.find_element(By.XPATH, "//button[text()='Expire']")
    button.click()
    wait.until(EC.staleness_of(button))
    wait.until(settled(lambda d: not d.find_elements(By.XPATH, "//button[text()='Expire']")))
    shot("4-expired")
    print("ok: firing, acknowledged, silenced, expired")
except Exception as error:  # report the step, keep a screenshot of where it stopped
    shot("failed")
    print(f"FAILED at step '{step}': {error!r}\nURL: {driver.current_url}")
    sys.exit(1)
finally:
    driver.quit()
