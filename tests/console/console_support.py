"""What the console's browser tests share: a free port, waiting for a condition (never a fixed
sleep), plain HTTP, the ptmon command, a headless Chromium and logging in through its form."""
import contextlib
import os
import random
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

DEADLINE = 120  # seconds; bounds a failure only (sanitizer builds on a busy machine are slow)


_port_claims = []  # held until the process exits, as FreePort's in tests/support/daemon.cc


def free_port():
    """A port on 127.0.0.1 claimed as tests/support/daemon.cc's FreePort claims it: below the
    ephemeral range (no outgoing connection can take it), and by a name in the abstract Unix
    socket namespace held while this process lives (no other test is given it)."""
    with open("/proc/sys/net/ipv4/ip_local_port_range") as ports:
        ephemeral_first = int(ports.read().split()[0])
    first = max(1024, ephemeral_first - 12288)
    count = ephemeral_first - first
    start = random.randrange(count)
    for i in range(count):
        port = first + (start + i) % count
        claim = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            claim.bind(f"\0ptmon-test-port-{port}")
        except OSError:
            claim.close()
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                claim.close()
                continue
        _port_claims.append(claim)
        return port
    raise RuntimeError("every test port below the ephemeral range is taken")


def wait_until(condition, what):
    give_up = time.monotonic() + DEADLINE
    while time.monotonic() < give_up:
        if condition():
            return
        time.sleep(0.05)  # polling interval while waiting for a condition, not a fixed wait
    raise AssertionError("timed out waiting for " + what)


def http_get_bytes(url, headers=None):
    """(status, body as bytes); status 0 when nothing answers."""
    try:
        request = urllib.request.Request(url, headers=headers or {})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def http_get(url, headers=None):
    status, body = http_get_bytes(url, headers)
    return status, body.decode()


def run_ptmon(binary, *args, stdin=None):
    return subprocess.run([binary, *args], capture_output=True, text=True, input=stdin,
                          timeout=60)


def page_wait(browser):
    """A wait that keeps polling through a navigation: between a form's submit and the page it
    loads, Chromium answers a lookup with "aborted by navigation", which says nothing yet."""
    return WebDriverWait(browser, DEADLINE, ignored_exceptions=(WebDriverException,))


def start_chromium(work):
    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1400,1000", "--lang=zh-CN",
                 "--user-data-dir=" + os.path.join(work, "chromium")]:
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    browser.set_page_load_timeout(DEADLINE)
    return browser


def login(browser, wait, base, user, password):
    browser.get(base + "/login")
    wait.until(EC.presence_of_element_located((By.ID, "user")))
    browser.find_element(By.ID, "user").send_keys(user)
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.ID, "login").click()


def logout(browser, wait):
    browser.find_element(By.CSS_SELECTOR, "header form button").click()
    wait.until(EC.presence_of_element_located((By.ID, "login")))


@contextlib.contextmanager
def serving(binary, work, today, *args):
    """`ptmon serve` on a free port of 127.0.0.1 with --now `today`, its data in work/data and its
    output in work/serve.log; yields its base URL once it is ready. Stops it and removes `work`
    on leaving."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(os.path.join(work, "serve.log"), "w")
    daemon = subprocess.Popen([binary, "serve", "--data-dir", os.path.join(work, "data"),
                               "--listen", f"127.0.0.1:{port}", "--now", today, *args],
                              stdout=log, stderr=log)
    try:
        wait_until(lambda: http_get(base + "/readyz")[0] == 200, "ptmon to be ready")
        yield base
    finally:
        daemon.terminate()
        daemon.wait(timeout=60)
        log.close()
        shutil.rmtree(work, ignore_errors=True)


@contextlib.contextmanager
def chromium(work):
    """start_chromium's browser, quit on leaving."""
    browser = start_chromium(work)
    try:
        yield browser
    finally:
        browser.quit()
