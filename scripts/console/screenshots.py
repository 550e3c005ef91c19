"""Screenshots of the console for docs/images, taken from `scripts/demo --keep` (its
sample directory, fleet and events) in headless Chromium:

    .build/interop-venv/bin/python scripts/console/screenshots.py http://127.0.0.1:PORT docs/images

Signs in as ken (admin) and alice (manager) with the demo passwords scripts/demo prints.
"""
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

url, out = sys.argv[1], sys.argv[2]
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"]:
    options.add_argument(flag)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def sign_in(user, password):
    driver.get(url + "/console/sign-in")
    driver.find_element(By.ID, "username").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form.sign-in button").click()


def shot(path, name):
    driver.get(url + path)
    driver.save_screenshot(f"{out}/console-{name}.png")
    print(name, driver.title)


try:
    driver.get(url + "/console/sign-in")
    driver.save_screenshot(f"{out}/console-sign-in.png")
    sign_in("ken", "ken-demo")
    shot("/console", "board")
    shot("/console/fleet", "fleet")
    host = driver.find_element(By.CSS_SELECTOR, "tbody a").get_attribute("href")
    shot(host.replace(url, ""), "host")
    shot("/console/groups/engineering", "group")
    shot("/console/explain?user=alice&repository=payments%2Fapi&agent=claude-code", "explain")
    shot("/console/policy", "policy")
    shot("/console/policy/publish", "publish")
    shot("/console/rollout", "rollout")
    shot("/console/exceptions", "exceptions")
    driver.find_element(By.CSS_SELECTOR, "form.session button").click()
    sign_in("alice", "alice-demo")
    shot("/console", "manager-board")
    shot("/console/groups/payments-eng", "manager-group")
    driver.get(url + "/console/exceptions")
    request = driver.find_element(By.CSS_SELECTOR, "tbody a").get_attribute("href")
    shot(request.replace(url, ""), "exception")
finally:
    driver.quit()
