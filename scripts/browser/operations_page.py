"""Drives the /operations page in headless Chromium (Selenium): a manager looks a shop up, tops it up
over the approval threshold (the confirmation step shows exactly what is sent), and a senior manager
approves it from the queue. Run by the Swift test OperationsPageBrowserTests; screenshots go to the
artifacts directory. Exit status 0 = every step passed.

usage: operations_page.py BASE_URL MANAGER_EMAIL APPROVER_EMAIL PASSWORD ARTIFACTS_DIR SHOP_ID
"""
import json
import sys

import chromium
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

base, manager, approver, password, artifacts, shop = sys.argv[1:7]

driver, wait = chromium.start(height=1400, timeout=20)
step = "start"


def shot(name):
    chromium.screenshot(driver, artifacts, name)


def sign_in(email):
    chromium.sign_in(driver, wait, base, email, password, "/operations", "#lookup-shop")


def text(element_id):
    return driver.find_element(By.ID, element_id).text


try:
    step = "a manager looks the shop up"
    sign_in(manager)
    driver.find_element(By.ID, "lookup-shop").send_keys(shop + Keys.ENTER)
    wait.until(lambda d: d.find_element(By.ID, "shop").is_displayed())
    assert text("shop-balance") == "1000.00 RUB", text("shop-balance")
    assert text("shop-state") == "active", text("shop-state")
    shot("1-looked-up")

    step = "fill the top-up form generated from the catalog"
    wait.until(lambda d: len(Select(d.find_element(By.ID, "operation-name")).options) > 0)
    Select(driver.find_element(By.ID, "operation-name")).select_by_value("top_up")
    wait.until(lambda d: d.find_elements(By.ID, "param-amount"))
    assert driver.find_element(By.ID, "param-shop_id").get_attribute("value") == shop
    driver.find_element(By.ID, "param-amount").send_keys("60000.00")
    driver.find_element(By.ID, "param-reason").send_keys("compensation for the outage")
    driver.find_element(By.ID, "operation-review").click()

    step = "the confirmation shows exactly what will be sent"
    wait.until(lambda d: d.find_element(By.ID, "confirm").is_displayed())
    sent = json.loads(text("confirm-request").split("\n", 1)[1])
    assert sent["operation"] == "top_up" and sent["params"] == {"shop_id": shop, "amount": "60000.00", "currency": "RUB",
                                                                "reason": "compensation for the outage"}, sent
    assert driver.find_element(By.ID, "confirm-approval").is_displayed(), "the over-threshold warning is missing"
    assert "60000.00 RUB" in text("confirm-text"), text("confirm-text")
    shot("2-confirm")
    driver.find_element(By.ID, "confirm-send").click()
    wait.until(lambda d: "pending approval" in d.find_element(By.ID, "result").text)
    shot("3-pending")

    step = "a senior manager approves it from the queue"
    sign_in(approver)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#approvals button[id^='approve-']"))
    rows = driver.find_elements(By.CSS_SELECTOR, "#approvals tbody tr")
    assert len(rows) == 1 and "60000.00" in rows[0].text and manager in rows[0].text, [r.text for r in rows]
    shot("4-queue")
    driver.find_element(By.CSS_SELECTOR, "#approvals input[id^='comment-']").send_keys("ticket 4711 checked")
    driver.find_element(By.CSS_SELECTOR, "#approvals button[id^='approve-']").click()
    wait.until(lambda d: "is applied" in d.find_element(By.ID, "result").text)
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#approvals tbody tr"))

    step = "the shop shows the new balance and the audit the approval"
    driver.find_element(By.ID, "lookup-shop").send_keys(shop + Keys.ENTER)
    wait.until(lambda d: d.find_element(By.ID, "shop-balance").text == "61000.00 RUB")
    wait.until(lambda d: "approved" in d.find_element(By.ID, "audit").text)
    shot("5-applied")
    print("ok: looked up, confirmed, pending approval, approved, applied")
except Exception as error:  # report the step, keep a screenshot of where it stopped
    shot("failed")
    print(f"FAILED at step '{step}': {error!r}\nURL: {driver.current_url}")
    sys.exit(1)
finally:
    driver.quit()
