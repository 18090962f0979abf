#!/usr/bin/python3
"""Writes a corpus of tables shaped as units really save them, part by part, each in CSV (UTF-8
and GBK) and XLSX (openpyxl; the test re-saves it through LibreOffice), with what it must give:
for a target-table export or a disclosure table the catalogue `ptmon import` writes, for a
monthly report the values `ptmon ingest` applies. Run: make_layout_corpus.py OUT_DIR; it writes
OUT_DIR/<case>.{utf8.csv,gbk.csv,xlsx}, OUT_DIR/catalog.yaml (the reports' catalogue) and
OUT_DIR/expected.json.

The shapes were collected from public budget documents (titles, label lines, column orders,
footers); the names and figures here are made up:
- 佳县财政支出项目绩效目标申报表 (陕西): 填报单位（盖章）, 项目资金申请（万元）, 资金总额 / 财政拨款 /
  其他, footer 填报人 / 单位负责人 / 填报日期 (docx.baby/p/20793843881926.html)
- 项目绩效目标表(2021年度), 宁乡市坝塘镇 (湖南): 财政拨款（其中：上级财政资金 / 本级财政）, 自有资金,
  其他, amounts in 万元 (renrendoc.com/paper/307484460.html)
- 项目支出绩效目标申报表( 年度) (a municipal form): 项目预算（万元）资金总额 / 其中：市财政资金 /
  其他资金; 审核人 / 填报人及联系电话 / 填报日期 below the table (found through the pages corpus)
- 部门预算项目绩效目标申报表(2023年度), 井研县马踏镇 (四川, issue #31): 主管部门 line 820-马踏镇部门
  above the unit rows 820001-井研县马踏镇人民政府, targets such as ≥1人/年
- 部门预算公开 项目支出绩效目标表 of provincial departments (山西, 云南 红河州): one cell per target,
  指标方向, notes (注：…) under the table
"""
import csv
import json
import os
import sys

import openpyxl

SPREAD = ["单位名称", "项目名称", "年度资金总额", "年度目标", "一级指标", "二级指标", "三级指标",
          "指标性质", "指标值", "度量单位", "权重"]


def ind(level1, level2, name, sign, value, unit, weight):
    return [level1, level2, name, sign, value, unit, weight]


ROAD = [ind("产出指标", "数量指标", "维修道路", "≥", "12", "公里", "30"),
        ind("产出指标", "质量指标", "验收合格率", "≥", "95", "%", "20"),
        ind("产出指标", "时效指标", "完成时间", "≤", "10", "个月", "10"),
        ind("效益指标", "社会效益指标", "受益群众", "≥", "3000", "人次", "30"),
        ind("满意度指标", "服务对象满意度指标", "群众满意度", "≥", "90", "%", "10")]
CARE = [ind("产出指标", "数量指标", "走访慰问", "≥", "1", "人/年", "40"),
        ind("产出指标", "成本指标", "慰问标准", "≤", "300", "元/人·月", "20"),
        ind("效益指标", "社会效益指标", "受益户数", "≥", "120", "户", "30"),
        ind("满意度指标", "服务对象满意度指标", "满意度", "≥", "95", "%", "10")]


def expected_indicators(rows):
    return [{"name": r[2], "target": r[3] + r[4] + r[5], "weight": float(r[6])} for r in rows]


def project_rows(unit, name, funds, goal, indicators, spread_cells=True, fill_every_row=False):
    """A project's rows as an export saves them: its cells on the first row, blank below (a
    merge), unless fill_every_row."""
    rows = []
    for i, indicator in enumerate(indicators):
        first = i == 0 or fill_every_row
        rows.append([unit if first else "", name if first else "", funds if first else "",
                     goal if first else ""] + indicator)
    return rows, (len(rows) if spread_cells else 0)


CASES = []


def case(name, kind, rows, expected, merges=()):
    CASES.append({"name": name, "kind": kind, "rows": rows, "expected": expected,
                  "merges": list(merges)})


def merges_for(first_row, count, columns):
    """Merged ranges of the project columns over its indicator rows (1-based sheet rows)."""
    return [(first_row, c, first_row + count - 1, c) for c in columns] if count > 1 else []


def export_case(name, preamble, header, projects, footer, expected, header_transform=None):
    rows = [list(r) for r in preamble]
    rows.append(header_transform(SPREAD) if header_transform else list(SPREAD))
    merges = []
    for unit, pname, funds, goal, indicators in projects:
        first = len(rows) + 1
        body, count = project_rows(unit, pname, funds, goal, indicators)
        rows += body
        merges += merges_for(first, count, [1, 2, 3, 4])
    rows += footer
    case(name, "import", rows, expected, merges)


# 1. The township's export of issue #31.
export_case(
    "township-2023", [["部门预算项目绩效目标申报表(2023年度)"], ["820-马踏镇部门"]], SPREAD,
    [("820001-井研县马踏镇人民政府", "困难群众走访慰问", "36000", "做好困难群众慰问", CARE)],
    [["填报人：张三", "", "联系电话：0833-1234567"]],
    {"unit_id": "unit-820001", "unit_name": "井研县马踏镇人民政府", "year": 2023,
     "projects": [{"name": "困难群众走访慰问", "department": "马踏镇部门", "annual_total": 36000,
                   "indicators": expected_indicators(CARE)}]})

# 2. Amounts in 万元 by a 金额单位 line, a 财政拨款 column, a footer.
WAN_HEADER = SPREAD[:3] + ["其中：财政拨款", "其他资金"] + SPREAD[3:]
rows = [["2025年度项目支出绩效目标表"], ["单位名称：312004-某县交通运输局", "", "", "金额单位：万元"],
        WAN_HEADER]
for i, indicator in enumerate(ROAD):
    rows.append(["312004-某县交通运输局" if i == 0 else "", "农村公路养护" if i == 0 else "",
                 "1,250" if i == 0 else "", "1000" if i == 0 else "", "250" if i == 0 else "",
                 "完成农村公路养护" if i == 0 else ""] + indicator)
rows += [["填报人：李华", "", "联系电话：0351-7654321"], ["单位负责人：王五", "", "填报日期：2025-01-10"]]
case("wan-line-2025", "import", rows,
     {"unit_id": "unit-312004", "year": 2025,
      "projects": [{"name": "农村公路养护", "annual_total": 12500000,
                    "annual_sources": {"city_county": 10000000, "other": 2500000},
                    "indicators": expected_indicators(ROAD)}]},
     merges_for(4, len(ROAD), [1, 2, 3, 4, 5, 6]))

# 3. 万元 in the amount's header.
export_case("wan-header-2024", [["项目支出绩效目标申报表（2024年度）"]], SPREAD,
            [("某县民政局", "养老服务补贴", "86.5", "保障老年人", CARE)], [],
            {"year": 2024, "projects": [{"name": "养老服务补贴", "annual_total": 865000,
                                         "indicators": expected_indicators(CARE)}]},
            header_transform=lambda h: [c if c != "年度资金总额" else "年度资金总额（万元）" for c in h])

# 4-6. Several projects, blank lines and a note between, different titles.
for n, (title, extra) in enumerate([("(2026年度)部门预算项目绩效目标表", [[""]]),
                                    ("2026年度 项目绩效目标表", [["注：本表由预算管理一体化系统导出"]]),
                                    ("绩效目标申报表 2026年度", [])]):
    export_case(f"multi-project-{n + 1}", [[title], ["单位名称：某市图书馆"], [""]], SPREAD,
                [("某市图书馆", "道路维修", "500000", "维修", ROAD),
                 ("某市图书馆", "走访慰问", "200000", "慰问", CARE)],
                extra + [["审核人：赵六"]],
                {"year": 2026, "unit_name": "某市图书馆",
                 "projects": [{"name": "道路维修", "annual_total": 500000,
                               "indicators": expected_indicators(ROAD)},
                              {"name": "走访慰问", "annual_total": 200000,
                               "indicators": expected_indicators(CARE)}]})

# 7. Compound and counted units of all kinds.
UNITS = [ind("产出指标", "数量指标", "培训次数", "≥", "4", "次/年", "20"),
         ind("产出指标", "数量指标", "设备", "≥", "6", "个/年", "20"),
         ind("产出指标", "时效指标", "办结时限", "≤", "5", "个工作日", "20"),
         ind("产出指标", "成本指标", "运维费", "≤", "12", "万元/年", "20"),
         ind("效益指标", "社会效益指标", "服务人次", "≥", "800", "人次", "20")]
export_case("compound-units", [["2026年度项目绩效目标表"]], SPREAD,
            [("某县人社局", "就业服务", "300000", "就业", UNITS)], [["填报日期：2026年1月5日"]],
            {"year": 2026, "projects": [{"name": "就业服务", "indicators": expected_indicators(UNITS)}]})

# 8. An unknown unit is kept as published, for review.
ODD = ROAD[:4] + [ind("满意度指标", "服务对象满意度指标", "测评", "≥", "3", "颗星", "10")]
export_case("unknown-unit", [["2026年度项目绩效目标表"]], SPREAD,
            [("某县文旅局", "文旅推广", "100000", "推广", ODD)], [],
            {"year": 2026, "reviews": ["颗星"],
             "projects": [{"name": "文旅推广", "indicators": expected_indicators(ODD)}]})

# 9. Every project cell on every row (an export that does not merge).
rows = [["部门预算项目绩效目标申报表(2022年度)"], SPREAD]
rows += project_rows("某县卫健委", "疫苗接种", "80000", "接种", ROAD, fill_every_row=True)[0]
case("filled-rows-2022", "import", rows,
     {"year": 2022, "projects": [{"name": "疫苗接种", "annual_total": 80000,
                                  "indicators": expected_indicators(ROAD)}]})

# 10. One cell per target (disclosure style), 指标方向 and 分值 columns.
ONE = ["项目名称", "预算数(万元)", "一级指标", "二级指标", "三级指标", "指标值", "指标方向", "分值"]
rows = [["某厅2026年项目支出绩效目标表"], ["单位名称：某厅"], ONE]
for i, r in enumerate(ROAD):
    rows.append(["信息系统运维" if i == 0 else "", "45.6" if i == 0 else ""] + r[:3] +
                [r[3] + r[4] + r[5], "反向" if r[3] == "≤" else "正向", r[6]])
case("one-cell-targets", "import", rows,
     {"year": 2026, "unit_name": "某厅",
      "projects": [{"name": "信息系统运维", "annual_total": 456000,
                    "indicators": expected_indicators(ROAD)}]},
     merges_for(4, len(ROAD), [1, 2]))

# 11. Sign words instead of signs (大于等于, 小于等于) and a 计量单位 column.
WORDS = {"≥": "大于等于", "≤": "小于等于"}
rows = [["2026年度绩效目标申报表"],
        [c if c != "度量单位" else "计量单位" for c in SPREAD]]
for i, r in enumerate(CARE):
    rows.append(["某街道办" if i == 0 else "", "社区服务" if i == 0 else "",
                 "150000" if i == 0 else "", ""] +
                r[:3] + [WORDS[r[3]]] + r[4:])
case("sign-words", "import", rows,
     {"year": 2026, "projects": [{"name": "社区服务", "indicators": expected_indicators(CARE)}]})

# 12. Weights that no longer add up: an unreadable target is commented out, and said so.
BAD = ROAD[:4] + [ind("满意度指标", "服务对象满意度指标", "满意度", "≥", "九十", "%", "10")]
export_case("weights-short", [["2026年度项目绩效目标表"]], SPREAD,
            [("某县水利局", "河道清淤", "60000", "清淤", BAD)], [],
            {"year": 2026, "reviews": ["add up to 90"],
             "projects": [{"name": "河道清淤", "indicators": expected_indicators(BAD[:4])}]})

# Monthly reports: the catalogue they are checked against.
REPORT_CATALOG = """unit: {id: unit-209, name: 某局, code: "209"}
year: 2026
projects:
  - id: repair
    name: 维修维护费
    department: 某厅
    funds:
      period: {total: 100000, provincial: 100000}
      annual: {total: 100000, provincial: 100000}
    indicators:
      - {id: devices, level1: 产出指标, level2: 数量指标, name: 维修设备数量, target: "≥30台"}
      - {id: repair-time, level1: 产出指标, level2: 时效指标, name: 修复时间, target: "≤24小时"}
      - {id: satisfaction, level1: 满意度指标, level2: 服务对象满意度, name: 满意度, target: "≥90%"}
"""
VALUES = [("维修设备数量", "12"), ("修复时间", "20"), ("满意度", "92%")]
LEAN = ["项目", "指标", "期间", "完成值"]


def report_rows(project_every_row, period="2026-07", extra=()):
    return [["维修维护费" if (i == 0 or project_every_row) else "", name, period, value] + list(extra)
            for i, (name, value) in enumerate(VALUES)]


EXPECT_VALUES = {"applied": 3}

# 13. The workbook: a title row, the project merged down, a signature footer.
rows = [["维修维护费 2026年7月 执行情况"], LEAN] + report_rows(False) + \
       [["填报人：王五", "", "审核人：赵六", ""]]
case("report-title-merged-footer", "report", rows, EXPECT_VALUES, [(3, 1, 5, 1), (1, 1, 1, 4)])
# 14. Lean, nothing around it.
case("report-lean", "report", [LEAN] + report_rows(True), EXPECT_VALUES)
# 15. Wide: every column, an orientation column, the reporter.
WIDE = ["项目", "一级指标", "二级指标", "指标", "年度指标值", "期间", "完成值", "偏差原因", "偏差说明",
        "改进措施", "完成可能性", "填报人"]
rows = [WIDE] + [["维修维护费", "产出指标", "数量指标", n, "", "2026-07", v, "", "", "", "确定能", "王五"]
                 for n, v in VALUES]
case("report-wide", "report", rows, EXPECT_VALUES)
# 16. A title, a unit line and a blank line above the header.
rows = [["2026年7月绩效运行监控表"], ["单位名称：某局", "", "金额单位：元"], [""], LEAN] + report_rows(True)
case("report-unit-line", "report", rows, EXPECT_VALUES)
# 17. A note under the values.
rows = [LEAN] + report_rows(True) + [["注：满意度按问卷统计"]]
case("report-note", "report", rows, EXPECT_VALUES)
# 18. English headers under a title.
rows = [["Repair budget, July 2026"], ["project", "indicator", "period", "value"]] + report_rows(True)
case("report-english", "report", rows, EXPECT_VALUES)
# 19. Periods written 2026年7月, merged down like the project.
rows = [["维修维护费执行情况"], LEAN] + report_rows(False, "2026年7月")
case("report-period-merged", "report", rows, EXPECT_VALUES, [(3, 1, 5, 1), (3, 3, 5, 3)])
# 20. A footer of several lines after a blank line.
rows = [LEAN] + report_rows(True) + [[""], ["填报人：王五"], ["审核人：赵六"], ["填报日期：2026-08-05"]]
case("report-long-footer", "report", rows, EXPECT_VALUES)
# 21. A header deep down: a title of three lines.
rows = [["某局"], ["2026年度项目绩效运行监控"], ["（7月）"], ["", ""], LEAN] + report_rows(True)
case("report-deep-header", "report", rows, EXPECT_VALUES)


def csv_rows(case_):
    """Merged cells as a CSV export saves them: the value on the first row, blank below."""
    width = max(len(r) for r in case_["rows"])
    return [list(r) + [""] * (width - len(r)) for r in case_["rows"]]


def write(out):
    os.makedirs(out, exist_ok=True)
    for c in CASES:
        rows = csv_rows(c)
        for suffix, encoding in (("utf8.csv", "utf-8-sig"), ("gbk.csv", "gbk")):
            with open(os.path.join(out, f"{c['name']}.{suffix}"), "w", encoding=encoding,
                      newline="") as f:
                csv.writer(f, lineterminator="\r\n").writerows(rows)
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Sheet1"
        for r, row in enumerate(rows, 1):
            for col, value in enumerate(row, 1):
                if value != "":
                    sheet.cell(row=r, column=col, value=value)
        for first_row, first_col, last_row, last_col in c["merges"]:
            sheet.merge_cells(start_row=first_row, start_column=first_col, end_row=last_row,
                              end_column=last_col)
        book.save(os.path.join(out, f"{c['name']}.xlsx"))
    with open(os.path.join(out, "catalog.yaml"), "w", encoding="utf-8") as f:
        f.write(REPORT_CATALOG)
    with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump({c["name"]: {"kind": c["kind"], "expected": c["expected"]} for c in CASES}, f,
                  ensure_ascii=False, indent=1)


if __name__ == "__main__":
    write(sys.argv[1])
