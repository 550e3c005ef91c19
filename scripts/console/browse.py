"""Walks the console in real headless Chromium (Debian's chromium and chromium-driver,
driven by Selenium from PyPI), as Tests/RingfenceHTTPTests/Console/ConsoleBrowserTests.swift
asks it to:

  1. signs in as an admin through the form, walks every page (control board, fleet, a
     host, a group, explain with a submitted form, policy revisions, a revision, the
     rollback plan), rolls back to revision 1 with a comment and, with --policy, publishes
     that policy after its preview;
  2. signs in as a manager: the board shows only their group; another group's page and the
     fleet, opened by URL, are refused;
  3. on every page: no message in the browser's console (a CSP violation would be one) and
     no serious or critical accessibility violation found by axe-core
     (axe-selenium-python);
  4. with --shots DIR, a screenshot of each page (docs/images/console-*.png).

Prints one line per page; exits 1 with every problem found.

    browse.py URL ADMIN:PASSWORD MANAGER:PASSWORD OWN-GROUP OTHER-GROUP [--shots DIR]
"""
import argparse
import sys

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

parser = argparse.ArgumentParser()
parser.add_argument("url")
parser.add_argument("admin")
parser.add_argument("manager")
parser.add_argument("own_group")
parser.add_argument("other_group")
parser.add_argument("--policy", help="a policy as YAML documents to publish through the console")
parser.add_argument("--shots")
arguments = parser.parse_args()

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"]:
    options.add_argument(flag)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_page_load_timeout(120)
problems = []


def check(name):
    """Console messages and accessibility of the page shown now; a screenshot if asked."""
    for entry in driver.get_log("browser"):
        problems.append(f"{name}: browser console: {entry['level']} {entry['message']}")
    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    serious = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    for violation in serious:
        problems.append(f"{name}: accessibility: {violation['id']} ({violation['impact']}): {violation['help']}")
    if arguments.shots:
        driver.save_screenshot(f"{arguments.shots}/console-{name}.png")
    print(f"{name}: {driver.title} — {len(results['violations'])} axe findings, {len(serious)} serious")


def follow(element):
    """Clicks a link or a form's button and waits for the next page (not a time: the old
    page going away), bounded only against hangs."""
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 120).until(expected_conditions.staleness_of(old))


def heading():
    return driver.find_element(By.TAG_NAME, "h1").text


def sign_in(credentials):
    user, password = credentials.split(":", 1)
    driver.get(arguments.url + "/console")
    if "Sign in" not in heading():
        problems.append(f"no session did not lead to the sign-in page but to {heading()!r}")
    driver.find_element(By.ID, "username").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    follow(driver.find_element(By.CSS_SELECTOR, "form.sign-in button"))
    if heading() != "Control board":
        problems.append(f"{user} signed in but sees {heading()!r}")


def sign_out():
    follow(driver.find_element(By.CSS_SELECTOR, "form.session button"))


try:
    # The admin walks every page.
    sign_in(arguments.admin)
    check("board")
    follow(driver.find_element(By.LINK_TEXT, "Fleet"))
    check("fleet")
    follow(driver.find_element(By.CSS_SELECTOR, "tbody a"))
    check("host")
    driver.get(f"{arguments.url}/console/groups/{arguments.own_group}")
    check("group")
    follow(driver.find_element(By.LINK_TEXT, "Rollout"))
    check("rollout")
    follow(driver.find_element(By.LINK_TEXT, "Exceptions"))
    check("exceptions")
    follow(driver.find_element(By.CSS_SELECTOR, "tbody a"))
    check("exception")
    if "Approve and publish" in driver.page_source:
        problems.append("the admin, who owns none of the requester's groups, is offered to decide")
    follow(driver.find_element(By.LINK_TEXT, "Explain"))
    driver.find_element(By.ID, "user").send_keys(arguments.admin.split(":")[0])
    driver.find_element(By.ID, "agent").send_keys("claude-code")
    follow(driver.find_element(By.CSS_SELECTOR, "main form button"))
    if "Effective policy" not in driver.page_source:
        problems.append("explain showed no effective policy: " + driver.find_element(By.TAG_NAME, "main").text[:300])
    check("explain")
    follow(driver.find_element(By.LINK_TEXT, "Policy"))
    check("policy")
    follow(driver.find_element(By.LINK_TEXT, "Return to 1"))
    check("rollback")
    driver.find_element(By.ID, "comment").send_keys("rolled back from the console")
    follow(driver.find_element(By.CSS_SELECTOR, "main form button"))
    if not heading().startswith("Revision ") or "rolled back from the console" not in driver.page_source:
        problems.append(f"the rollback did not lead to its revision: {heading()!r}: " + driver.find_element(By.TAG_NAME, "main").text[:300])
    check("revision")
    if arguments.policy:
        follow(driver.find_element(By.LINK_TEXT, "Policy"))
        follow(driver.find_element(By.LINK_TEXT, "Publish a change"))
        driver.find_element(By.ID, "policy").send_keys(open(arguments.policy).read())
        follow(driver.find_element(By.CSS_SELECTOR, "button[value=preview]"))
        if "Every person whose level changes" not in driver.page_source:
            problems.append("the publish preview shows no one: " + driver.find_element(By.TAG_NAME, "main").text[:300])
        check("publish")
        driver.find_element(By.ID, "comment").send_keys("published from the console")
        follow(driver.find_element(By.CSS_SELECTOR, "button[value=publish]"))
        if not heading().startswith("Revision ") or "published from the console" not in driver.page_source:
            problems.append(f"the publish did not lead to its revision: {heading()!r}")
    sign_out()

    # The manager sees their group and nothing else.
    sign_in(arguments.manager)
    board = driver.page_source
    if f">{arguments.own_group}</a>" not in board or f">{arguments.other_group}</a>" in board:
        problems.append("the manager's board does not show exactly their group")
    if "/console/fleet" in board:
        problems.append("the manager is offered the fleet")
    check("manager-board")
    driver.get(f"{arguments.url}/console/groups/{arguments.other_group}")
    if heading() != "Not allowed":
        problems.append(f"the manager opened {arguments.other_group} by URL: {heading()!r}")
    driver.get(f"{arguments.url}/console/fleet")
    if heading() != "Not allowed":
        problems.append(f"the manager opened the fleet by URL: {heading()!r}")
    # The two refusals above are 403 answers the browser reports as failed loads: expected.
    driver.get_log("browser")
    driver.get(f"{arguments.url}/console/groups/{arguments.own_group}")
    check("manager-group")
    # The manager approves their member's exception request.
    follow(driver.find_element(By.LINK_TEXT, "Exceptions"))
    check("manager-exceptions")
    follow(driver.find_element(By.CSS_SELECTOR, "tbody a"))
    driver.find_element(By.ID, "comment").send_keys("approved from the console")
    follow(driver.find_element(By.CSS_SELECTOR, "button[value=approve]"))
    if "approved from the console" not in driver.page_source or "Published in" not in driver.page_source:
        problems.append("the approval did not show: " + driver.find_element(By.TAG_NAME, "main").text[:300])
    check("manager-exception")
    sign_out()
finally:
    driver.quit()

for problem in problems:
    print("PROBLEM " + problem)
sys.exit(1 if problems else 0)
