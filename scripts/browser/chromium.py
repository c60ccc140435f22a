"""What every browser test script shares: headless Chromium (Debian's chromium and chromedriver)
driven by Selenium, a wait, and screenshots into the artifacts directory."""
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait


def start(height=1000, timeout=20):
    """A headless Chromium 1440 pixels wide, and a WebDriverWait on it. The wait tries again when an
    element it read went stale: a form's POST and redirect can replace the page mid-read."""
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size=1440,{height}", "--lang=en-GB"):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    return driver, WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,))


def screenshot(driver, artifacts, name):
    driver.save_screenshot(f"{artifacts}/{name}.png")


def sign_in(driver, wait, base, email, password, next_path, ready):
    """Signs in with the login form and waits for the page `next_path` leads to until it holds an
    element matching the CSS selector `ready`: the address changes before the new page's elements
    exist, so waiting for the URL alone raced with the next step (a CI run saw NoSuchElement)."""
    driver.delete_all_cookies()
    driver.get(base + "/login?next=" + next_path)
    driver.find_element(By.NAME, "email").send_keys(email)
    driver.find_element(By.NAME, "password").send_keys(password + Keys.ENTER)
    wait.until(lambda d: "/login" not in d.current_url and d.find_elements(By.CSS_SELECTOR, ready))
