#!/usr/bin/env python3
"""The web console in a real browser: starts dadns on loopback with two test backends
(primary, healthy; flaky, failing while a flag file exists), drives headless Chromium through
the console and checks what an operator sees: backends' state, zones appearing live, a failing
backend's error, rollback after signing in through the console's own form, hostile record
data shown as text, the diff between versions, the backends page's actions, and a browser
console without errors. Screenshots of the main pages go to --out.

Usage: console_test.py --dadns PATH --test-plugins DIR --out DIR
Exit code 0 only when every step passed. DADNS_KEEP_TEST_DIRS=1 keeps the daemon's directory.
"""

import argparse
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import (
    NoAlertPresentException,
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

USER, PASSWORD = "admin", "secret"
PAGE_WAIT = 30        # seconds for the page's own readiness on a loaded machine
API_WAIT = 30         # seconds for the daemon to apply something
LIVE_LIMIT = 2.0      # the requirement: a change shows within 2 s, without reload
CHECK_SLACK = 0.25    # the check's own polling and round trips
CHROMEDRIVER = "/usr/bin/chromedriver"


class StepFailed(Exception):
    pass


def zone_text(zone, serial, body):
    return (f"$TTL 300\n@ IN SOA ns1.{zone}. hostmaster.{zone}. {serial} 3600 600 86400 300\n"
            f"@ IN NS ns1.{zone}.\n" + body)


# ---------------------------------------------------------------- the daemon

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Daemon:
    def __init__(self, binary, plugins, workdir):
        self.binary = binary
        self.dir = workdir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.fail_file = os.path.join(workdir, "flaky.fail")
        self.log_path = os.path.join(workdir, "daemon.log")
        self.config = os.path.join(workdir, "dadns.yml")
        # Only the plugin this test needs: the test plugins' directory also holds the plugins
        # built to be refused, which would make every page "degraded".
        plugin_dir = os.path.join(workdir, "plugins")
        os.makedirs(plugin_dir)
        os.symlink(os.path.join(plugins, "test_backend.so"), os.path.join(plugin_dir, "test_backend.so"))
        plugins = plugin_dir
        with open(self.config, "w") as f:
            f.write(f"""log_level: info
node_id: dns1
queue_location: {workdir}/data
shutdown_grace_seconds: 5
app:
  auth_username: {USER}
  auth_password: {PASSWORD}
  listen_address: 127.0.0.1
  listen_port: {self.port}
plugins:
  dir: {plugins}
dns:
  backends:
    primary:
      type: test_backend
      dir: {workdir}/primary
    flaky:
      type: test_backend
      dir: {workdir}/flaky
      fail_file: {self.fail_file}
dispatch:
  retry_backoff: 200ms
  retry_backoff_max: 1s
  max_attempts: 1000
  breaker_failures: 1000
""")
        self.proc = None

    def start(self):
        self.logfile = open(self.log_path, "w")
        # The configuration is all in the file: dadns reads DADNS_* variables as configuration
        # (and refuses ones it does not know, like this test's own DADNS_KEEP_TEST_DIRS).
        env = {k: v for k, v in os.environ.items() if not k.startswith("DADNS_")}
        self.proc = subprocess.Popen([self.binary, "--config=" + self.config], stdout=self.logfile, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=self.dir, env=env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise StepFailed(f"dadns exited with {self.proc.returncode} while starting:\n{self.log_tail()}")
            try:
                status, _ = self.call("GET", "/health", timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise StepFailed("dadns did not answer /health within 30 s:\n" + self.log_tail())

    def stop(self):
        if not self.proc or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.logfile.close()

    def log_tail(self, lines=40):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return "(no log)"

    def call(self, method, path, body=None, auth=True, timeout=15):
        data = body.encode() if isinstance(body, str) else body
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if auth:
            req.add_header("Authorization", "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode())
        if data is not None:
            req.add_header("Content-Type", "text/plain")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    def json(self, path):
        status, body = self.call("GET", path)
        if status != 200:
            raise StepFailed(f"GET {path} answered {status}: {body[:300]}")
        return json.loads(body)

    def put_zone(self, zone, text):
        status, body = self.call("PUT", "/api/v1/zones/" + zone, text)
        if status not in (200, 201):
            raise StepFailed(f"PUT /api/v1/zones/{zone} answered {status}: {body[:300]}")
        return json.loads(body)

    def applied_version(self, zone, backend):
        for b in self.json("/api/v1/zones/" + zone).get("backends", []):
            if b.get("backend") == backend:
                return b.get("applied_version", 0)
        return 0

    def wait_applied(self, zone, backend, version, timeout=API_WAIT):
        deadline = time.monotonic() + timeout
        seen = None
        while time.monotonic() < deadline:
            seen = self.applied_version(zone, backend)
            if seen >= version:
                return
            time.sleep(0.1)
        raise StepFailed(f"{backend} did not apply {zone} v{version} within {timeout} s (applied: v{seen})")


# ---------------------------------------------------------------- the browser

class Console:
    def __init__(self, base, out):
        self.base = base
        self.out = out
        opts = Options()
        for arg in ("--headless=new", "--no-sandbox", "--window-size=1400,1000", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-first-run", "--disable-extensions", "--lang=en-US"):
            opts.add_argument(arg)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        if not os.path.exists(CHROMEDRIVER):
            raise StepFailed(f"{CHROMEDRIVER} is missing (Debian: chromium chromium-driver)")
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
        self.driver.set_page_load_timeout(60)
        self.driver.set_script_timeout(30)
        self.logs = []

    def quit(self):
        try:
            self.driver.quit()
        except WebDriverException:
            pass

    def collect_logs(self):
        try:
            self.logs.extend(self.driver.get_log("browser"))
        except WebDriverException as e:
            self.logs.append({"level": "SEVERE", "message": f"(could not read the browser log: {e})"})

    def open(self, route):
        self.driver.get(self.base + "/#" + route)

    def go(self, route):
        """A hash change inside the loaded console (no reload)."""
        self.driver.execute_script("location.hash = arguments[0];", route)

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def wait(self, what, cond, timeout=PAGE_WAIT, poll=0.1):
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=poll,
                                 ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)).until(lambda d: cond())
        except TimeoutException:
            raise StepFailed(f"timed out after {timeout} s waiting for {what}") from None

    def retry(self, what, action, attempts=5):
        """An action on elements a refresh may have just replaced: found again and retried."""
        for n in range(attempts):
            try:
                return action()
            except (StaleElementReferenceException, NoSuchElementException):
                if n == attempts - 1:
                    raise StepFailed(f"could not {what}: the element kept being replaced or is missing") from None
                time.sleep(0.2)

    def click(self, css):
        self.retry(f"click {css}", lambda: self.driver.find_element(By.CSS_SELECTOR, css).click())

    def select(self, css, value):
        self.retry(f"pick {value} in {css}", lambda: Select(self.driver.find_element(By.CSS_SELECTOR, css)).select_by_value(value))

    def text(self, css):
        """The rendered text of every match, read in one script call (nothing to go stale)."""
        return self.js("return Array.from(document.querySelectorAll(arguments[0]), (e) => e.innerText.trim()).join(' ');", css)

    def exists(self, css):
        return self.js("return document.querySelector(arguments[0]) !== null;", css)

    def mark(self):
        """A marker that a reload would lose."""
        self.js("window.__consoleTestMark = 'kept';")

    def not_reloaded(self):
        return self.js("return window.__consoleTestMark === 'kept';")

    def screenshot(self, name):
        path = os.path.join(self.out, name)
        self.driver.save_screenshot(path)
        print(f"      screenshot: {path}")

    def no_alert(self):
        try:
            alert = self.driver.switch_to.alert
            text = alert.text
            alert.dismiss()
            return text
        except NoAlertPresentException:
            return None


# ---------------------------------------------------------------- the steps

class Steps:
    def __init__(self, daemon, console):
        self.d = daemon
        self.c = console

    def zones_ready(self):
        return self.c.exists("#zones-table") or self.c.exists(".zones-body .empty")

    def overview_shows_primary_up(self):
        self.c.open("/")
        self.c.wait("the overview's backend cards", lambda: self.c.exists('article.backend[data-backend="primary"]'))
        self.c.wait("backend primary shown as up",
                    lambda: self.c.text('article.backend[data-backend="primary"] .badge.state') == "up")
        state = self.c.text("#overall-state")
        if not state:
            raise StepFailed("the header shows no overall state")
        print(f"      primary: up; overall state in the header: {state}")

    def zones_list_updates_live(self):
        self.c.go("/zones")
        self.c.wait("the zones page", self.zones_ready)
        self.c.wait("the event stream to be open (live indicator)", lambda: self.c.js("const e = document.getElementById('live'); return e && e.dataset.state;") == "live")
        self.c.mark()
        zone = "live.example"
        row = f'tr[data-zone="{zone}"] .bstate[data-backend="primary"][data-state="applied"]'
        self.d.put_zone(zone, zone_text(zone, 1, "www IN A 192.0.2.10\n"))
        answered = time.monotonic()
        deadline = answered + LIVE_LIMIT + CHECK_SLACK + 10  # keep watching to report how late it was
        seen = None
        while time.monotonic() < deadline:
            if self.c.exists(row):
                seen = time.monotonic()
                break
            time.sleep(0.02)
        if seen is None:
            raise StepFailed(f"{zone} did not appear as applied on primary within {LIVE_LIMIT + CHECK_SLACK + 10:.1f} s of the API's answer")
        latency = seen - answered
        print(f"      live update: the row showed {zone} applied on primary {latency * 1000:.0f} ms after the API answered")
        if not self.c.not_reloaded():
            raise StepFailed("the page was reloaded")
        if latency > LIVE_LIMIT + CHECK_SLACK:
            raise StepFailed(f"the row took {latency:.2f} s (limit {LIVE_LIMIT} s + {CHECK_SLACK} s for the check)")

    def failing_backend_shown(self):
        with open(self.d.fail_file, "w") as f:
            f.write("fail\n")
        zone = "flaky.example"
        self.c.go("/zones")
        self.c.wait("the zones page", self.zones_ready)
        self.d.put_zone(zone, zone_text(zone, 1, "www IN A 192.0.2.20\n"))
        badge = f'tr[data-zone="{zone}"] .bstate[data-backend="flaky"]'
        self.c.wait(f"{zone}'s row to show flaky retrying",
                    lambda: self.c.js("const b = document.querySelector(arguments[0]); return b && b.dataset.state;", badge) == "retrying")
        title = self.c.js("return document.querySelector(arguments[0]).title;", badge)
        if "fail_file exists" not in title:
            raise StepFailed(f"flaky's badge in the row carries no error text (title: {title!r})")
        problems = self.c.text(f'tr[data-zone="{zone}"] td.problems')
        if "fail_file exists" not in problems:
            raise StepFailed(f"the row's problems column does not show the error (shows: {problems!r})")
        primary = self.c.js("const b = document.querySelector(arguments[0]); return b && b.dataset.state;", f'tr[data-zone="{zone}"] .bstate[data-backend="primary"]')
        print(f"      row: flaky retrying ({title}); primary {primary}")
        self.c.wait("primary applied in the row", lambda: self.c.exists(f'tr[data-zone="{zone}"] .bstate[data-backend="primary"][data-state="applied"]'))
        self.c.screenshot("zones.png")
        self.c.go("/")
        card = 'article.backend[data-backend="flaky"]'
        self.c.wait("the overview to show flaky retrying", lambda: "retrying" in self.c.text(card + " .badges"))
        self.c.wait("the overview to show flaky's error", lambda: "fail_file exists" in self.c.text(card + " .last-error"))
        print(f"      overview: flaky {self.c.text(card + ' .badges')!r}, {self.c.text(card + ' .last-error')!r}")
        self.c.screenshot("overview.png")

    ROLL = "roll.example"
    V1 = "www IN A 192.0.2.1\nmail IN A 192.0.2.25\n@ IN MX 10 mail\nold IN CNAME www\n"
    V2 = "www IN A 192.0.2.2\nmail IN A 192.0.2.25\n@ IN MX 10 mail\napi IN A 192.0.2.80\n@ IN TXT \"v=spf1 mx -all\"\n"

    def rollback_after_sign_in(self):
        zone = self.ROLL
        self.d.put_zone(zone, zone_text(zone, 1, self.V1))
        self.d.put_zone(zone, zone_text(zone, 2, self.V2))
        self.d.wait_applied(zone, "primary", 2)
        self.c.go("/zones/" + zone)
        self.c.wait("the zone page's history with two versions", lambda: self.c.exists('#history-table tr[data-version="2"]') and self.c.exists('#history-table tr[data-version="1"]'))
        if self.c.exists("#signout"):
            raise StepFailed("the console is signed in before the test signed in")
        self.c.mark()
        self.c.click('button[data-rollback="1"]')
        self.c.wait("the rollback confirmation", lambda: self.c.exists("dialog[open] #confirm-ok"))
        self.c.click("dialog[open] #confirm-ok")
        # Not signed in: the change asks for credentials with the console's form, then goes on.
        self.c.wait("the sign-in form", lambda: self.c.exists("dialog[open] form.signin"))
        form = self.c.driver.find_element(By.CSS_SELECTOR, "dialog[open] form.signin")
        form.find_element(By.NAME, "user").send_keys(USER)
        form.find_element(By.NAME, "password").send_keys(PASSWORD)
        form.find_element(By.ID, "signin-submit").click()
        self.c.wait("the header to show the signed-in user", lambda: self.c.text("header .auth .user") == USER)
        self.c.wait("the zone page to show version 3", lambda: self.c.text("#zone-version") == "v3" and self.c.exists('#history-table tr[data-version="3"]'))
        result = self.c.text("#zone-result")
        print(f"      page: {result!r}")
        if "version 3" not in result:
            raise StepFailed(f"the page's result line does not name version 3: {result!r}")
        if not self.c.not_reloaded():
            raise StepFailed("the page was reloaded")
        v1 = self.d.json(f"/api/v1/zones/{zone}/versions/1")
        v3 = self.d.json(f"/api/v1/zones/{zone}/versions/3")
        if v3.get("zone_text") != v1.get("zone_text"):
            raise StepFailed(f"version 3's zone_text differs from version 1's:\n{v3.get('zone_text')!r}\n{v1.get('zone_text')!r}")
        self.d.wait_applied(zone, "primary", 3)
        self.c.wait("the zone page to show primary applied at v3",
                    lambda: self.c.exists('#zone-backends tr[data-backend="primary"][data-state="applied"]') and "v3" in self.c.text('#zone-backends tr[data-backend="primary"]'))
        print("      API: v3 has v1's records; primary applied v3")

    def hostile_txt_is_text(self):
        zone = "xss.example"
        payload = "<img src=x onerror=alert(1)>"
        self.d.put_zone(zone, zone_text(zone, 1, f'evil IN TXT "{payload}"\n'))
        self.c.go("/zones/" + zone)
        self.c.wait("the records of " + zone, lambda: self.c.exists("#records table"))
        shown = self.c.text("#records")
        if payload not in shown:
            raise StepFailed(f"the records view does not show the TXT data as text; it shows: {shown!r}")
        imgs = self.c.driver.find_elements(By.CSS_SELECTOR, "#records img, main img")
        if imgs:
            raise StepFailed(f"{len(imgs)} img element(s) were created from record data")
        alert = self.c.no_alert()
        if alert is not None:
            raise StepFailed(f"an alert is open: {alert!r}")
        print(f"      shown literally: {payload}")

    def diff_between_versions(self):
        zone = self.ROLL
        self.c.go("/zones/" + zone)
        self.c.wait("the version pickers", lambda: self.c.exists('#diff-from option[value="1"]') and self.c.exists('#diff-to option[value="2"]'))
        self.c.select("#diff-from", "1")
        self.c.select("#diff-to", "2")
        self.c.wait("the diff of v1 and v2", lambda: self.c.exists("#diff-table tr.add") and "api." in self.c.text("#diff-table tr.add"))
        added = self.c.text("#diff-table tr.add")
        removed = self.c.text("#diff-table tr.del")
        for want in ("192.0.2.2", "api.roll.example.", "v=spf1"):
            if want not in added:
                raise StepFailed(f"the added lines lack {want!r}: {added!r}")
        for want in ("192.0.2.1", "old.roll.example."):
            if want not in removed:
                raise StepFailed(f"the removed lines lack {want!r}: {removed!r}")
        if "mail.roll.example. 300 IN A" in added + removed:
            raise StepFailed("an unchanged line is marked as changed")
        n_add = len(self.c.driver.find_elements(By.CSS_SELECTOR, "#diff-table tr.add"))
        n_del = len(self.c.driver.find_elements(By.CSS_SELECTOR, "#diff-table tr.del"))
        print(f"      summary {self.c.text('#diff-summary')!r}: {n_del} line(s) marked removed, {n_add} added")
        self.c.screenshot("zone.png")

    def backends_page_actions(self):
        self.c.go("/backends")
        card = 'section.backend-detail[data-backend="flaky"]'
        self.c.wait("the backends page", lambda: self.c.exists(card))
        self.c.wait("flaky's queue to list flaky.example", lambda: "flaky.example" in self.c.text(card))
        btn = 'section.backend-detail[data-backend="primary"] button[data-action="drift"]'
        self.c.wait("the drift button", lambda: self.c.exists(btn))
        self.c.click(btn)
        self.c.wait("the drift check's result line", lambda: "Drift check" in self.c.text('section.backend-detail[data-backend="primary"] .note'))
        line = self.c.text('section.backend-detail[data-backend="primary"] .note')
        print(f"      primary: {line!r}")
        if "failed" in line or "refused" in line:
            raise StepFailed("the drift check did not succeed: " + line)
        # What the plugin says of itself (its describe): the test backend's directory and applies.
        details = 'section.backend-detail[data-backend="primary"] .plugin-details'
        self.c.wait("primary's details from its plugin", lambda: self.c.exists(details) and "applies" in self.c.text(details))
        text = self.c.text(details)
        print(f"      primary's details: {text!r}")
        if "/primary" not in text:
            raise StepFailed("the plugin's details do not show its directory: " + text)
        self.c.screenshot("backends.png")
        # Recovered: flaky applies what it was retrying.
        os.remove(self.d.fail_file)
        self.d.wait_applied("flaky.example", "flaky", 1)
        self.c.wait("flaky's queue to empty on the page", lambda: "flaky.example" not in self.c.text(card + " .cards"))

    def no_browser_errors(self):
        self.c.collect_logs()
        severe = [e for e in self.c.logs if e.get("level") == "SEVERE"]
        for e in self.c.logs:
            if e.get("level") in ("SEVERE", "WARNING"):
                print(f"      browser {e.get('level')}: {e.get('message')}")
        if severe:
            raise StepFailed(f"{len(severe)} SEVERE browser log entr{'y' if len(severe) == 1 else 'ies'} (above)")
        print(f"      {len(self.c.logs)} browser log entries, none SEVERE")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dadns", required=True)
    ap.add_argument("--test-plugins", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    keep = os.environ.get("DADNS_KEEP_TEST_DIRS") == "1"
    workdir = tempfile.mkdtemp(prefix="dadns-browser-")
    daemon = Daemon(os.path.abspath(args.dadns), os.path.abspath(args.test_plugins), workdir)
    console = None
    results = []
    try:
        daemon.start()
        console = Console(daemon.base, args.out)
        steps = Steps(daemon, console)
        plan = [
            ("overview shows backend primary up", steps.overview_shows_primary_up),
            ("zones list shows a pushed zone applied, live", steps.zones_list_updates_live),
            ("a failing backend shows as retrying with its error", steps.failing_backend_shown),
            ("rollback after signing in through the console's form", steps.rollback_after_sign_in),
            ("hostile TXT data renders as text", steps.hostile_txt_is_text),
            ("diff between two versions", steps.diff_between_versions),
            ("backends page: queue, drift check", steps.backends_page_actions),
            ("no errors in the browser console", steps.no_browser_errors),
        ]
        for n, (name, fn) in enumerate(plan, 1):
            started = time.monotonic()
            try:
                fn()
                results.append((name, True, ""))
                print(f"[PASS] {n}. {name} ({time.monotonic() - started:.1f} s)", flush=True)
            except Exception as e:  # noqa: BLE001 - every failure is this step's, reported, and the run goes on
                msg = str(e) if isinstance(e, StepFailed) else "".join(traceback.format_exception_only(type(e), e)).strip()
                results.append((name, False, msg))
                print(f"[FAIL] {n}. {name} ({time.monotonic() - started:.1f} s): {msg}", flush=True)
                try:
                    console.screenshot(f"failed-step-{n}.png")
                except Exception:  # noqa: BLE001
                    pass
            if console:
                console.collect_logs()
    except Exception as e:  # noqa: BLE001
        results.append(("setup", False, str(e)))
        print(f"[FAIL] setup: {e}", flush=True)
    finally:
        if console:
            console.quit()
        daemon.stop()
        failed = [r for r in results if not r[1]]
        if failed:
            print("---- daemon log (tail) ----")
            print(daemon.log_tail())
        if keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    passed = sum(1 for r in results if r[1])
    print(f"{passed}/{len(results)} steps passed")
    return 0 if results and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
