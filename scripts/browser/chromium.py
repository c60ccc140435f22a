"""What every browser test script shares: headless Chromium (Debian's chromium and chromedriver)
driven by Selenium, a wait, and screenshots into the artifacts directory."""
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
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
