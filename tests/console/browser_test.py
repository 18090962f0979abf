#!/usr/bin/python3
"""The web console in a real browser: Debian's chromium driven by chromedriver (python3-selenium),
against a real `ptmon serve` on 127.0.0.1, started here with its own data directory.

A manager logs in, sees the board, opens a project, submits July with one bad value (the error
is shown beside its field and nothing is applied), fixes it and submits (applied: on the project
page, in `ptmon history`, in /metrics with the figures computed here), uploads a report file
(and one naming another project, refused whole), is refused for a project not assigned, and logs out. A viewer cannot report; an admin sees the accounts and the audit
log and reloads the configuration; a form posted without its CSRF token is
refused; a wrong password five times is slowed down. Every page is saved as a screenshot.

Usage: browser_test.py PTMON_BINARY ARTEFACT_DIR
Every wait is for a condition with a generous deadline; nothing sleeps for a fixed time.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from console_support import free_port, http_get, run_ptmon, start_chromium, wait_until
import console_support

PTMON = sys.argv[1]
ARTEFACTS = sys.argv[2]
PASSWORD = "correct horse 2026"
TODAY = "2026-08-12"  # July's reports are due (10 August): July is the month evaluated


def metric(base, name, labels):
    _, text = http_get(base + "/metrics")
    wanted = name + "{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}"
    for line in text.splitlines():
        if line.startswith(wanted + " "):
            return float(line.split()[-1])
    raise AssertionError(f"{wanted} not on /metrics")


def ptmon(*args, stdin=None):
    return run_ptmon(PTMON, *args, stdin=stdin)


def main():
    os.makedirs(ARTEFACTS, exist_ok=True)
    work = tempfile.mkdtemp(prefix="ptmon-console-")
    data = os.path.join(work, "data")
    password_file = os.path.join(work, "password")
    with open(password_file, "w") as f:
        f.write(PASSWORD + "\n")
    for name, role, extra in [("zhangsan", "manager", ["--project", "building-maintenance"]),
                              ("lisi", "viewer", []), ("admin", "admin", [])]:
        added = ptmon("user", "add", name, "--role", role, *extra, "--password-file",
                      password_file, "--data-dir", data)
        assert added.returncode == 0, added.stderr
    listed = ptmon("user", "list", "--data-dir", data).stdout
    assert "zhangsan\tmanager\tactive\tbuilding-maintenance" in listed, listed

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(os.path.join(work, "serve.log"), "w")
    daemon = subprocess.Popen([PTMON, "serve", "--data-dir", data, "--listen",
                               f"127.0.0.1:{port}", "--now", TODAY], stdout=log, stderr=log)
    browser = None
    try:
        wait_until(lambda: http_get(base + "/readyz")[0] == 200, "ptmon to be ready")
        browser = start_chromium(work)
        wait = console_support.page_wait(browser)

        def shot(name):
            browser.save_screenshot(os.path.join(ARTEFACTS, name + ".png"))

        def login(user, password):
            console_support.login(browser, wait, base, user, password)

        def logout():
            console_support.logout(browser, wait)

        # Nobody logged in: the board sends to the login page.
        browser.get(base + "/")
        wait.until(EC.presence_of_element_located((By.ID, "login")))
        assert "/login" in browser.current_url
        shot("01-login")

        # The manager lands on 我的填报; the board has every project.
        login("zhangsan", PASSWORD)
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "section.my-report")))
        browser.get(base + "/")
        wait.until(EC.presence_of_element_located((By.ID, "board")))
        rows = browser.find_elements(By.CSS_SELECTOR, "#board tbody tr[data-project]")
        assert len(rows) == 10, len(rows)
        assert "zhangsan" in browser.find_element(By.CSS_SELECTOR, "header .who").text
        shot("02-board")

        projects = [row.get_attribute("data-project") for row in rows]

        # The project page.
        browser.find_element(By.LINK_TEXT, "维修维护费").click()
        wait.until(EC.presence_of_element_located((By.ID, "indicators")))
        assert len(browser.find_elements(By.CSS_SELECTOR, "svg.chart")) >= 4
        shot("03-project")

        # Issue #30: no chart's y-axis label is cut off at the chart's left edge (00000万元), on
        # any project's page, as Chromium lays the text out.
        for project in projects:
            browser.get(base + "/projects/" + project)
            wait.until(EC.presence_of_element_located((By.ID, "indicators")))
            clipped = browser.execute_script("""
                const cut = [];
                for (const svg of document.querySelectorAll('svg.chart')) {
                  const edge = svg.getBoundingClientRect().left;
                  for (const label of svg.querySelectorAll('text[text-anchor="end"]')) {
                    const left = label.getBoundingClientRect().left;
                    if (left < edge - 0.5) cut.push(label.textContent + ' by ' + (edge - left));
                  }
                }
                return cut;""")
            assert not clipped, (project, clipped)

        # July with one bad value: 台 is counted, not timed.
        browser.get(base + "/report?project=building-maintenance&period=2026-07")
        wait.until(EC.presence_of_element_located((By.ID, "submit-report")))

        def row_field(indicator, column):
            row = browser.find_element(By.CSS_SELECTOR, f'tr[data-indicator="{indicator}"]')
            return row.find_elements(By.CSS_SELECTOR, "input, select")[column]

        def type_into(indicator, column, text):
            field = row_field(indicator, column)
            field.clear()
            field.send_keys(text)

        type_into("devices-maintained", 0, "12小时")
        Select(row_field("devices-maintained", 1)).select_by_visible_text("人员保障")
        type_into("devices-maintained", 2, "两名技术人员调离")
        type_into("devices-maintained", 3, "八月增派外包人员")
        Select(row_field("devices-maintained", 4)).select_by_visible_text("有可能")
        type_into("repair-time", 0, "20小时")
        Select(row_field("repair-response", 0)).select_by_visible_text("达成")
        type_into("user-satisfaction", 0, "96%")
        type_into("spent", 0, "21.5万元")
        shot("04-form-filled")
        browser.find_element(By.ID, "submit-report").click()
        wait.until(EC.presence_of_element_located((By.ID, "form-errors")))
        error = browser.find_element(
            By.CSS_SELECTOR, 'tr[data-indicator="devices-maintained"] .field-error')
        assert "台" in error.text or "小时" in error.text, error.text
        assert row_field("devices-maintained", 0).get_attribute("aria-invalid") == "true"
        assert row_field("repair-time", 0).get_attribute("value") == "20小时", "kept as typed"
        shot("05-form-error")
        history = ptmon("history", "--data-dir", data, "--project", "building-maintenance",
                        "--indicator", "repair-time", "--format", "json", "--now", TODAY)
        assert history.returncode == 0, history.stderr
        assert "20" not in history.stdout.replace("2026", ""), "nothing applied: " + history.stdout
        assert metric(base, "ptmon_indicator_light",
                      {"project": "building-maintenance", "indicator": "repair-time"}) == 4, \
            "still overdue: nothing applied"

        # Fixed and submitted: applied as one batch, reporter the logged-in manager.
        type_into("devices-maintained", 0, "12台")
        browser.find_element(By.ID, "submit-report").click()
        wait.until(EC.presence_of_element_located((By.ID, "outcome")))
        outcome = browser.find_element(By.ID, "outcome").text
        assert "保存了 5 个数据" in outcome and "zhangsan" in outcome, outcome
        shot("06-form-applied")

        # The figures, computed here: 12 of 30台 by July against a linear pace is 12 / 17.5.
        labels = {"project": "building-maintenance", "indicator": "devices-maintained"}
        wait_until(lambda: metric(base, "ptmon_indicator_actual", labels) == 12, "July on /metrics")
        assert metric(base, "ptmon_indicator_expected", labels) == 30 * 7 / 12
        assert abs(metric(base, "ptmon_indicator_progress_ratio", labels) - 12 / 17.5) < 1e-9
        assert metric(base, "ptmon_indicator_light", labels) == 3, "yellow: below 80% of pace"
        history = ptmon("history", "--data-dir", data, "--project", "building-maintenance",
                        "--indicator", "devices-maintained", "--now", TODAY)
        assert "zhangsan" in history.stdout and "console-building-maintenance-2026-07.csv" in \
            history.stdout, history.stdout
        browser.get(base + "/projects/building-maintenance")
        row = browser.find_element(By.CSS_SELECTOR, 'tr[data-indicator="devices-maintained"]')
        assert "12台" in row.text and "两名技术人员调离" in row.text, row.text
        assert "黄灯" in row.text, row.text
        browser.set_window_size(1400, 2600)  # the charts below the table too
        assert "数据更新于" in browser.find_element(By.TAG_NAME, "footer").text, "a report applied"
        shot("07-project-after")
        browser.set_window_size(1400, 1000)
        browser.get(base + "/projects/building-maintenance/history/devices-maintained")
        assert "zhangsan" in browser.find_element(By.ID, "history").text
        shot("08-history")
        browser.get(base + "/")
        board_row = browser.find_element(By.CSS_SELECTOR, 'tr[data-project="building-maintenance"]')
        assert "黄灯" in board_row.text or "红灯" in board_row.text or "逾期" in board_row.text

        # A project not assigned: the form is refused, and so is a crafted post.
        browser.get(base + "/report?project=retiree-heating")
        assert "不能填报" in browser.find_element(By.TAG_NAME, "h1").text
        shot("09-not-assigned")
        session = {c["name"]: c["value"] for c in browser.get_cookies()}["ptmon_session"]
        browser.get(base + "/report?project=building-maintenance&period=2026-07")
        csrf = browser.find_element(By.NAME, "csrf").get_attribute("value")

        def post(path, fields):
            request = urllib.request.Request(
                base + path, data=urllib.parse.urlencode(fields).encode(),
                headers={"Cookie": "ptmon_session=" + session})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, error.read().decode()

        status, body = post("/report", {"csrf": csrf, "project": "retiree-heating",
                                         "period": "2026-07", "c0_0": "30000人"})
        assert status == 403 and "不能为它填报" in body, (status, body[:300])
        status, body = post("/report", {"project": "building-maintenance", "period": "2026-07",
                                         "c1_0": "19小时"})
        assert status == 403 and "表单已失效" in body, (status, body[:300])
        assert metric(base, "ptmon_indicator_actual",
                      {"project": "building-maintenance", "indicator": "repair-time"}) == 20
        # A report file uploaded through the form: August's cost, then one naming a project
        # not assigned (refused whole, nothing of it applied).
        upload = os.path.join(work, "八月.csv")
        with open(upload, "w", encoding="gbk") as f:  # as Excel on Chinese Windows saves it
            f.write("项目,指标,期间,完成值,填报人\n维修维护费,设备维修维护成本,2026年7月,8.5万元,张三\n")
        browser.get(base + "/report?project=building-maintenance&period=2026-07")
        browser.find_element(By.NAME, "file").send_keys(upload)
        browser.find_element(By.CSS_SELECTOR, "form[action^='/upload?csrf='] button").click()
        wait.until(EC.presence_of_element_located((By.ID, "outcome")))
        outcome = browser.find_element(By.ID, "outcome").text
        assert "「八月.csv」已保存：1 个数据" in outcome, outcome
        assert "提交人（登录账号）：zhangsan；文件中的填报人：张三" in outcome, outcome
        cost = {"project": "building-maintenance", "indicator": "maintenance-cost"}
        assert metric(base, "ptmon_indicator_actual", cost) == 85000
        with open(upload, "w", encoding="gbk") as f:
            f.write("项目,指标,期间,完成值\n维修维护费,设备维修维护成本,2026年7月,9万元\n"
                    "retiree-heating,retirees-paid,2026-07,35000人\n")
        browser.get(base + "/report?project=building-maintenance&period=2026-07")
        browser.find_element(By.NAME, "file").send_keys(upload)
        browser.find_element(By.CSS_SELECTOR, "form[action^='/upload?csrf='] button").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".notice.error")))
        assert "retiree-heating" in browser.find_element(By.CSS_SELECTOR, ".notice").text
        assert metric(base, "ptmon_indicator_actual", cost) == 85000, "nothing of it applied"
        shot("10-upload-refused")
        browser.get(base + "/reports")
        shot("10-reports")
        browser.get(base + "/alerts")
        shot("11-alerts")
        browser.get(base + "/")
        logout()
        browser.get(base + "/report")
        wait.until(EC.presence_of_element_located((By.ID, "login")))
        assert post("/report", {"csrf": csrf})[0] in (303, 200), "the ended session cannot post"

        # A viewer reads but cannot report.
        login("lisi", PASSWORD)
        wait.until(EC.presence_of_element_located((By.ID, "board")))
        browser.get(base + "/report")
        assert "查看权限" in browser.find_element(By.CSS_SELECTOR, ".notice").text
        shot("12-viewer-refused")
        browser.get(base + "/admin")
        assert "只有管理员" in browser.find_element(By.CSS_SELECTOR, ".notice").text
        browser.get(base + "/")
        logout()

        # An admin: the accounts, the audit log, a reload.
        login("admin", PASSWORD)
        wait.until(EC.presence_of_element_located((By.ID, "board")))
        browser.get(base + "/admin")
        users = browser.find_element(By.ID, "users").text
        assert "zhangsan" in users and "building-maintenance" in users and "lisi" in users, users
        audit = browser.find_element(By.ID, "audit").text
        assert "report" in audit and "login_failed" not in audit and "refused" in audit, audit
        browser.find_element(By.ID, "reload").click()
        wait.until(EC.presence_of_element_located((By.ID, "admin-notice")))
        wait_until(lambda: "reloading the configuration" in open(log.name).read(),
                   "the reload in the daemon's log")
        # A manager's contacts, edited in the accounts table (issue #34).
        browser.get(base + "/admin")
        row = browser.find_element(By.CSS_SELECTOR, 'tr[data-user="zhangsan"]')
        email = row.find_element(By.NAME, "email")
        email.clear()
        email.send_keys("zhangsan@example.gov.cn")
        row.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "admin-notice"), "联系方式"))
        row = browser.find_element(By.CSS_SELECTOR, 'tr[data-user="zhangsan"]')
        assert row.find_element(By.NAME, "email").get_attribute("value") == \
            "zhangsan@example.gov.cn"
        shot("13-admin")
        logout()

        # Five wrong passwords: the sixth attempt waits, even with the right password.
        for _ in range(5):
            login("admin", "wrong password")
            wait.until(EC.presence_of_element_located((By.ID, "login-error")))
            assert "不正确" in browser.find_element(By.ID, "login-error").text
        login("admin", PASSWORD)
        wait.until(EC.presence_of_element_located((By.ID, "login-error")))
        assert "次数过多" in browser.find_element(By.ID, "login-error").text
        shot("14-throttled")

        # The board on a phone.
        login("zhangsan", PASSWORD)
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "section.my-report")))
        browser.get(base + "/")
        wait.until(EC.presence_of_element_located((By.ID, "board")))
        browser.set_window_size(400, 900)
        shot("15-board-phone")
        print("console browser test passed; screenshots in", ARTEFACTS)
    finally:
        if browser is not None:
            browser.quit()
        daemon.terminate()
        daemon.wait(timeout=60)
        log.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
