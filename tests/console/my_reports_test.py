#!/usr/bin/python3
"""我的填报, the board's 责任人 and 逾期天数, its workbook, and last year beside this year, in a real
browser (Debian's chromium through chromedriver) against a real `ptmon serve` on 127.0.0.1 whose
clock is --now.

The store keeps 2025 (its catalogue, where 设备故障修复处理时间 had the id repair-hours, and its
July) and 2026 up to June for 维修维护费. On 12 August 2026 two managers log in: lijun (维修维护费)
lands on his page, sees July due on 10 August, two days overdue, every line missing with June's
values beside it, opens the form for July from there and reports; his page then shows July done.
wangfang (two other projects, nothing reported) sees only his own, 183 days overdue since
January's report. The finance office's admin lands on the board: 责任人 and 逾期天数 as computed
here; its workbook (openpyxl) has the same rows, the status API's budgets as numbers and totals
equal to its columns' sums, and LibreOffice prints it without overlapping text. The status API
and the project page show last July beside this July, matched by id or by published name.

Usage: my_reports_test.py PTMON_BINARY SOURCE_DIR ARTEFACT_DIR
"""
import datetime
import io
import json
import os
import subprocess
import sys
import tempfile

import openpyxl
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

import console_support
from console_support import DEADLINE, chromium, http_get, http_get_bytes, run_ptmon, serving

PTMON, SOURCE, ARTEFACTS = sys.argv[1:4]
PASSWORD = "correct horse 2026"
TODAY = datetime.date(2026, 8, 12)
MANAGERS = {"lijun": ["building-maintenance"],
            "wangfang": ["retiree-heating", "meetings-training"]}


def ptmon(*args):
    result = run_ptmon(PTMON, *args)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result


def prepare(work, data):
    """Accounts, last year's catalogue and July, this year's June for 维修维护费."""
    password_file = os.path.join(work, "password")
    with open(password_file, "w") as f:
        f.write(PASSWORD + "\n")
    for name, projects in MANAGERS.items():
        ptmon("user", "add", name, "--role", "manager",
              *[arg for project in projects for arg in ("--project", project)],
              "--password-file", password_file, "--data-dir", data)
    ptmon("user", "add", "caiwu", "--role", "admin", "--password-file", password_file,
          "--data-dir", data)
    with open(os.path.join(SOURCE, "config/default-catalog.yaml"), encoding="utf-8") as f:
        catalog = f.read()
    assert "\nyear: 2026\n" in catalog and "- id: repair-time\n" in catalog
    catalog = catalog.replace("\nyear: 2026\n", "\nyear: 2025\n").replace(
        "- id: repair-time\n", "- id: repair-hours\n")
    catalog_2025 = os.path.join(work, "catalog-2025.yaml")
    with open(catalog_2025, "w", encoding="utf-8") as f:
        f.write(catalog)
    july_2025 = os.path.join(work, "2025-07.csv")
    with open(july_2025, "w", encoding="utf-8") as f:
        f.write("project,indicator,period,value\n"
                "building-maintenance,devices-maintained,2025-07,10\n"
                "building-maintenance,repair-hours,2025-07,22小时\n"
                "building-maintenance,repair-response,2025-07,达成\n")
    ptmon("ingest", july_2025, "--catalog", catalog_2025, "--data-dir", data,
          "--now", "2025-08-15")
    june = os.path.join(work, "2026-06.csv")
    with open(june, "w", encoding="utf-8") as f:
        f.write("project,indicator,period,value\n"
                "building-maintenance,devices-maintained,2026-06,10\n"
                "building-maintenance,repair-time,2026-06,21小时\n"
                "building-maintenance,repair-response,2026-06,达成\n"
                "building-maintenance,maintenance-cost,2026-06,5万元\n"
                "building-maintenance,operation-assurance,2026-06,达成\n"
                "building-maintenance,user-satisfaction,2026-06,95%\n"
                "building-maintenance,预算执行数,2026-06,18万元\n")
    ptmon("ingest", june, "--data-dir", data, "--now", "2026-07-15")


def main():
    os.makedirs(ARTEFACTS, exist_ok=True)
    work = tempfile.mkdtemp(prefix="ptmon-my-reports-")
    prepare(work, os.path.join(work, "data"))
    with serving(PTMON, work, TODAY.isoformat()) as base, chromium(work) as browser:
        wait = console_support.page_wait(browser)
        status = json.loads(http_get(base + "/api/v1/status")[1])
        assert status["as_of"] == "2026-07", status["as_of"]
        indicators = {p["id"]: [i["id"] for i in p["indicators"]] for p in status["projects"]}
        names = {p["id"]: p["name"] for p in status["projects"]}
        # Nothing reported since a project began: its oldest report missing is January's, due
        # on 10 February; 维修维护费's is July's, due on 10 August.
        since_january = (TODAY - datetime.date(2026, 2, 10)).days
        since_july = (TODAY - datetime.date(2026, 8, 10)).days
        assert (since_january, since_july) == (183, 2)

        def shot(name):
            browser.save_screenshot(os.path.join(ARTEFACTS, name + ".png"))

        def login(user):
            console_support.login(browser, wait, base, user, PASSWORD)

        def session_get(path):
            cookie = "ptmon_session=" + browser.get_cookie("ptmon_session")["value"]
            return http_get_bytes(base + path, {"Cookie": cookie})

        def my_page():
            wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "section.my-report")))
            assert browser.current_url == base + "/my", browser.current_url
            return {s.get_attribute("data-project"): s
                    for s in browser.find_elements(By.CSS_SELECTOR, "section.my-report")}

        def lines(section):
            return {row.get_attribute("data-indicator"): row
                    for row in section.find_elements(By.CSS_SELECTOR, "tbody tr")}

        # lijun lands on his page: July, due 10 August, two days late, every line missing.
        login("lijun")
        sections = my_page()
        assert list(sections) == ["building-maintenance"], list(sections)
        section = sections["building-maintenance"]
        assert section.find_element(By.CSS_SELECTOR, ".period").text == "2026年7月"
        assert section.find_element(By.CSS_SELECTOR, ".due").text == "2026-08-10"
        assert section.find_element(By.CSS_SELECTOR, ".overdue-days").text == \
            f"已逾期 {since_july} 天"
        rows = lines(section)
        assert list(rows) == indicators["building-maintenance"] + ["spent"], list(rows)
        assert all(row.get_attribute("class") == "missing" for row in rows.values())
        assert "设备维护数量" in rows["devices-maintained"].text
        assert "≥30台" in rows["devices-maintained"].text
        assert "10台（6月）" in rows["devices-maintained"].text, rows["devices-maintained"].text
        assert "5.00万元（6月）" in rows["maintenance-cost"].text, rows["maintenance-cost"].text
        assert "预算执行数" in rows["spent"].text and "18.00万元（6月）" in rows["spent"].text
        template = section.find_element(By.CSS_SELECTOR, "a.template").get_attribute("href")
        assert template.endswith("/report/template.xlsx?project=building-maintenance"
                                 "&period=2026-07"), template
        code, workbook = session_get(template[len(base):])
        assert code == 200 and workbook.startswith(b"PK"), code
        shot("my-01-lijun-due")

        # One click to the form, on July.
        section.find_element(By.CSS_SELECTOR, "a.fill").click()
        wait.until(EC.presence_of_element_located((By.ID, "submit-report")))
        assert Select(browser.find_element(By.ID, "period")).first_selected_option \
            .get_attribute("value") == "2026-07"

        def field(indicator):
            row = browser.find_element(By.CSS_SELECTOR, f'tr[data-indicator="{indicator}"]')
            return row.find_elements(By.CSS_SELECTOR, "input, select")[0]

        for indicator, value in [("devices-maintained", "14台"), ("repair-time", "20小时"),
                                 ("maintenance-cost", "6万元"), ("user-satisfaction", "96%"),
                                 ("spent", "21.5万元")]:
            field(indicator).clear()
            field(indicator).send_keys(value)
        for indicator in ["repair-response", "operation-assurance"]:
            Select(field(indicator)).select_by_visible_text("达成")
        browser.find_element(By.ID, "submit-report").click()
        wait.until(EC.presence_of_element_located((By.ID, "outcome")))
        assert "保存了 7 个数据" in browser.find_element(By.ID, "outcome").text

        # Reported: his page shows July done, nothing overdue.
        browser.get(base + "/my")
        section = my_page()["building-maintenance"]
        assert section.find_element(By.CSS_SELECTOR, ".state").text == "已全部填报"
        assert not section.find_elements(By.CSS_SELECTOR, ".overdue-days")
        assert all(row.get_attribute("class") == "done" for row in lines(section).values())
        shot("my-02-lijun-done")
        console_support.logout(browser, wait)

        # wangfang sees his two projects only, everything missing since January.
        login("wangfang")
        sections = my_page()
        assert sorted(sections) == sorted(MANAGERS["wangfang"]), list(sections)
        for project, section in sections.items():
            assert section.find_element(By.CSS_SELECTOR, ".overdue-days").text == \
                f"已逾期 {since_january} 天"
            missing = section.find_elements(By.CSS_SELECTOR, "tbody tr.missing")
            assert len(missing) == len(indicators[project]) + 1, (project, len(missing))
        code, _ = session_get("/report/template.xlsx?project=building-maintenance&period=2026-07")
        assert code == 403, code
        shot("my-03-wangfang")
        console_support.logout(browser, wait)

        # The finance office lands on the board, as before; 我的填报 is a manager's.
        login("caiwu")
        wait.until(EC.presence_of_element_located((By.ID, "board")))
        browser.get(base + "/my")
        wait.until(EC.presence_of_element_located((By.ID, "board")))
        owners = {project: name for name, projects in MANAGERS.items() for project in projects}
        board = {}
        for row in browser.find_elements(By.CSS_SELECTOR, "#board tbody tr[data-project]"):
            project = row.get_attribute("data-project")
            board[project] = (row.find_element(By.CSS_SELECTOR, "td.owners").text,
                              row.find_element(By.CSS_SELECTOR, "td.overdue-days").text)
        expected = {project: (owners.get(project, ""),
                              "" if project == "building-maintenance" else str(since_january))
                    for project in indicators}
        assert board == expected, (board, expected)
        shot("my-04-board")

        # The board's workbook: the same rows, numbers as numbers, totals as the columns' sums.
        link = browser.find_element(By.ID, "board-xlsx").get_attribute("href")
        code, body = session_get(link[len(base):])
        assert code == 200 and body.startswith(b"PK"), code
        with open(os.path.join(ARTEFACTS, "board.xlsx"), "wb") as f:
            f.write(body)
        # LibreOffice prints it with every row as tall as its wrapped text.
        printed = subprocess.run(
            ["/usr/bin/soffice", "--headless",
             "-env:UserInstallation=file://" + os.path.join(work, "office"), "--convert-to",
             "pdf", "--outdir", ARTEFACTS, os.path.join(ARTEFACTS, "board.xlsx")],
            capture_output=True, text=True, timeout=DEADLINE)
        assert printed.returncode == 0, printed.stderr
        overlaps = subprocess.run(
            ["/usr/bin/python3", os.path.join(SOURCE, "tests/tools/check_pdf_text.py"),
             os.path.join(ARTEFACTS, "board.pdf")], capture_output=True, text=True)
        assert overlaps.returncode == 0, overlaps.stdout + overlaps.stderr
        sheet = openpyxl.load_workbook(io.BytesIO(body), data_only=True).worksheets[0]
        table = [list(row) for row in sheet.iter_rows(min_row=4, values_only=True)]
        head, body_rows, total = table[0], table[1:-1], table[-1]
        column = {title: i for i, title in enumerate(head)}
        status = json.loads(http_get(base + "/api/v1/status")[1])
        budgets = {p["name"]: p["budget"] for p in status["projects"]}
        assert [row[column["项目"]] for row in body_rows] == [names[p] for p in indicators]
        by_id = {p: row for p, row in zip(indicators, body_rows)}
        for project, row in by_id.items():
            owner, days = expected[project]
            assert (row[column["责任人"]] or "") == owner, row
            assert row[column["逾期天数"]] == (int(days) if days else None), row
            budget = budgets[names[project]]
            assert abs(row[column["调整后预算（万元）"]] - budget["adjusted_yuan"] / 1e4) < 1e-9
            spent = budget["spent_yuan"]
            assert row[column["执行数（万元）"]] == (None if spent is None else spent / 1e4), row
            assert isinstance(row[column["预算执行率"]], (float, int, type(None)))
        assert by_id["building-maintenance"][column["执行数（万元）"]] == 21.5
        assert total[column["项目"]] == "合计"
        for title in ["调整后预算（万元）", "执行数（万元）", "红灯", "黄灯", "逾期未报"]:
            values = [row[column[title]] or 0 for row in body_rows]
            assert abs(total[column[title]] - sum(values)) < 1e-6, (title, total, values)
        formulas = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
        assert str(formulas.cell(row=4 + len(table) - 1, column=column["红灯"] + 1).value) \
            .startswith("=SUM("), "the totals are formulas"
        number_formats = {formulas.cell(row=5, column=column[t] + 1).number_format
                          for t in ["调整后预算（万元）", "预算执行率"]}
        assert number_formats == {"#,##0.00", "0.0%"}, number_formats

        # Last year beside this year: July 2025, matched by id, and by name where the id changed.
        project = json.loads(http_get(
            base + "/api/v1/status?project=building-maintenance")[1])["projects"][0]
        past = {i["id"]: i["last_year"] for i in project["indicators"]}
        assert past["devices-maintained"] == {
            "indicator": "devices-maintained", "period": "2025-07", "value": 10, "grade": None,
            "unit": "台", "text": "10台"}, past["devices-maintained"]
        assert past["repair-time"]["indicator"] == "repair-hours", past["repair-time"]
        assert past["repair-time"]["text"] == "22小时", past["repair-time"]
        assert past["repair-response"]["grade"] == "达成", past["repair-response"]
        assert past["maintenance-cost"] is None, "no value last July"
        other = json.loads(http_get(base + "/api/v1/status?project=retiree-heating")[1])
        assert all(i["last_year"] is None for i in other["projects"][0]["indicators"])
        last_year = json.loads(http_get(base + "/api/v1/status?year=2025")[1])
        assert all(i["last_year"] is None for p in last_year["projects"]
                   for i in p["indicators"]), "2025 has no year before it here"
        browser.get(base + "/projects/building-maintenance")
        cell = browser.find_element(
            By.CSS_SELECTOR, 'tr[data-indicator="devices-maintained"] td.last-year').text
        assert "10台" in cell and "2025年7月" in cell, cell
        cell = browser.find_element(
            By.CSS_SELECTOR, 'tr[data-indicator="maintenance-cost"] td.last-year').text
        assert cell == "—", cell
        shot("my-05-project-last-year")
        print("我的填报 browser test passed; screenshots in", ARTEFACTS)


if __name__ == "__main__":
    main()
