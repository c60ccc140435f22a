"""What every browser test script shares: headless Chromium (Debian's chromium and chromedriver)
driven by Selenium, a wait, and screenshots into the artifacts directory."""
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait


def start(height=1000, timeout=20):
    """A headless Chromium 1440 pixels wide, and a WebDriverWait on it."""
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size=1440,{height}", "--lang=en-GB"):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    return driver, WebDriverWait(driver, timeout)


def screenshot(driver, artifacts, name):
    driver.save_screenshot(f"{artifacts}/{name}.png")
