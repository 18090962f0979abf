#!/usr/bin/python3
"""Re-derives the official tables' figures from the catalogue and the reported values, without
ptmon's code, and checks a report's CSV, HTML and XLSX against them: the budget's amounts in
万元 with every column adding up to its 总额, 执行率 = 执行数 ÷ 调整后预算数, 全年预计执行数 never
above the budget, the weights splitting 100 with the budget's 10, every score within its weight
and the 合计 the sum of the printed scores, each figure in its target's published unit; in the
workbook every figure is a number whose number format prints the CSV's text.

Usage: check_official_tables.py CATALOG.yaml ACTUALS.csv YYYY-MM KIND REPORT.csv REPORT.html
                                REPORT.xlsx
KIND is monitor or self-eval. Exit 0 when everything holds; otherwise says what is off, exit 1."""
import csv
import html.parser
import io
import math
import re
import sys

import openpyxl
import yaml

MULTIPLIERS = {"亿": 1e8, "万": 1e4, "千": 1e3}
SIGNS = {"≥": "positive", "＞": "positive", ">": "positive", "≤": "reverse", "＜": "reverse",
         "<": "reverse", "=": "equal", "＝": "equal"}
ALIASES = {"平米": "平方米", "㎡": "平方米", "m²": "平方米", "m2": "平方米", "元/平米": "元/平方米",
           "台套": "台(套)"}
CUMULATIVE = {"人", "人次", "次", "台", "台(套)", "套", "卷", "条", "件", "个", "项", "户", "家",
              "份", "本", "期", "场", "篇", "名", "所", "批", "元"}
problems = []


def check(condition, message):
    if not condition:
        problems.append(message)


def cents(value):
    return round(value * 100)


def quantity(text):
    """'6.2万元' → (62000, '元'); '96%' → (0.96, '%'); '12' → (12, '')."""
    match = re.fullmatch(r"\s*(-?[\d.]+)\s*([亿万千]?)(.*?)\s*", text)
    if not match:
        return None
    value = float(match.group(1)) * MULTIPLIERS.get(match.group(2), 1)
    unit = ALIASES.get(match.group(3), match.group(3))
    return (value / 100, "%") if unit == "%" else (value, unit)


def target(text):
    """'≥1500万条' → kind, value in base units, unit, printed unit and its factor."""
    sign = next((s for s in SIGNS if text.startswith(s)), None)
    rest = text[len(sign):] if sign else text
    parsed = quantity(rest) if re.search(r"\d", rest) else None
    if parsed is None:
        return {"kind": "qualitative", "text": text}
    value, unit = parsed
    if unit == "%":
        printed, factor, decimals = "%", 0.01, 2
    elif unit == "元":
        printed, factor, decimals = "万元", 1e4, 2
    else:
        prefix = re.fullmatch(r"[\d.]+([亿万]?).*", rest).group(1)
        printed, factor = prefix + unit, MULTIPLIERS.get(prefix, 1)
        decimals = 2 if prefix or unit not in CUMULATIVE else 0
    return {"kind": SIGNS.get(sign, "equal"), "value": value, "unit": unit, "printed": printed,
            "factor": factor, "decimals": decimals, "text": text}


def weights(indicators):
    """The rules' split: 产出 50, 效益 30, 满意度 10 (a missing group's weight passed on), each
    group shared in cents by largest remainder, the first indicators taking the extra cents."""
    groups = {"产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}
    present = {i["level1"] for i in indicators}
    if "满意度指标" not in present:
        groups["效益指标"] += groups.pop("满意度指标")
    if "效益指标" not in present:
        groups["产出指标"] += groups.pop("效益指标")
    if "产出指标" not in present:
        groups["效益指标"] = groups.get("效益指标", 0) + groups.pop("产出指标")
    result = []
    left = {}
    for level1, weight in groups.items():
        members = [i for i in indicators if i["level1"] == level1]
        fixed = sum(i.get("weight", 0) for i in members)
        free = [i for i in members if "weight" not in i]
        if free:
            total = round((weight - fixed) * 100)
            left[level1] = [total // len(free), total % len(free)]
    for indicator in indicators:
        if "weight" in indicator:
            result.append(indicator["weight"])
            continue
        base, extra = left[indicator["level1"]]
        result.append((base + (1 if extra > 0 else 0)) / 100)
        left[indicator["level1"]][1] = max(0, extra - 1)
    return result


def figure(text):
    """A printed figure as a number: '1,234.50' → 1234.5, '39.92%' → 39.92; None for words."""
    match = re.fullmatch(r"(-?[\d,]+(?:\.\d+)?)(.*)", text)
    return (float(match.group(1).replace(",", "")), match.group(2)) if match else None


def csv_tables(path):
    text = open(path, encoding="utf-8-sig", newline="").read()
    return [list(csv.reader(io.StringIO(block))) for block in text.split("\r\n\r\n") if block.strip()]


def grids(rows):
    """{heading: (columns, rows)} for the blocks headed 预算执行情况… and 绩效指标…"""
    found = {}
    for index, row in enumerate(rows):
        if len(row) == 1 and (row[0].startswith("预算执行情况") or row[0].startswith("绩效指标")):
            columns = rows[index + 1]
            body = []
            for line in rows[index + 2:]:
                if len(line) != len(columns):
                    break
                body.append(line)
            found[row[0].split("（")[0]] = (row[0], columns, body)
    return found


def load_actuals(path, catalog, month):
    """{(project, indicator id or 'spent'): (value text, month)}: the latest at or before month."""
    latest = {}
    names = {p["id"]: {i["name"]: i["id"] for i in p["indicators"]} for p in catalog["projects"]}
    with open(path, encoding="utf-8-sig") as file:
        reader = csv.reader(file)
        next(reader)
        for row in reader:
            project, indicator, period, value = row[:4]
            reported = int(period.split("-")[1])
            if reported > month:
                continue
            indicator = "spent" if indicator in ("spent", "预算执行数") else \
                names[project].get(indicator, indicator)
            key = (project, indicator)
            if key not in latest or latest[key][1] <= reported:
                latest[key] = (value, reported)
    return latest


def check_budget(project, grid, spent, month, kind, year_end):
    heading, columns, rows = grid
    funds = project["funds"]["annual"]
    exact = [funds["total"], funds["central"] + funds["provincial"] + funds["city_county"], 0,
             funds["self_raised"], funds["other"]]
    name = project["name"]
    check([r[0] for r in rows] == ["总额", "其中：财政资金", "财政专户管理资金", "单位资金", "其他资金"],
          f"{name}: budget rows {[r[0] for r in rows]}")
    col = {c: i for i, c in enumerate(columns)}
    spent_col = next(i for i, c in enumerate(columns) if "执行数" in c and "预计" not in c)
    for column in ("年初预算数（万元）", "调整后预算数（万元）"):
        printed = [figure(r[col[column]])[0] for r in rows]
        check(cents(printed[0]) == cents(round(exact[0] / 1e4, 2)), f"{name}: {column} 总额 {printed[0]}")
        check(cents(printed[0]) == sum(cents(p) for p in printed[1:]),
              f"{name}: {column} rows {printed[1:]} do not add up to {printed[0]}")
        for p, e in zip(printed[1:], exact[1:]):
            check(abs(p - e / 1e4) <= 0.01 + 1e-9, f"{name}: {column} {p} for {e / 1e4}")
    total = rows[0]
    adjusted = figure(total[col["调整后预算数（万元）"]])[0]
    if spent is None:
        check(total[spent_col] == "未报送", f"{name}: nothing spent is reported, table says {total[spent_col]}")
        return None
    spent_yuan, spent_month = spent
    printed_spent = figure(total[spent_col])[0]
    check(cents(printed_spent) == cents(round(spent_yuan / 1e4 + 1e-9, 2)),
          f"{name}: 执行数 {printed_spent} for {spent_yuan}元")
    check(cents(printed_spent) == sum(cents(figure(r[spent_col])[0]) for r in rows[1:]),
          f"{name}: the spending by source does not add up to {printed_spent}")
    rate_text = total[col["执行率"]]
    if adjusted > 0:
        rate = printed_spent / adjusted * 100
        check(rate_text.endswith("%") and abs(figure(rate_text)[0] - rate) <= 0.01 + 1e-9,
              f"{name}: 执行率 {rate_text}, {printed_spent} ÷ {adjusted} is {rate:.4f}%")
    forecast_column = "全年预计执行数（万元）"
    share = plan_share(project, spent_month)
    # The plan extrapolates what was spent, never past the budget; while it expects nothing yet
    # the forecast is the budget.
    linear = max(spent_yuan, min(spent_yuan / share, exact[0])) if share > 0 else max(spent_yuan, exact[0])
    if forecast_column in col:
        forecast = figure(total[col[forecast_column]])[0]
        expected = linear / 1e4
        check(abs(forecast - expected) <= 0.005 + 1e-9, f"{name}: 全年预计执行数 {forecast} for {expected:.4f}")
        check(printed_spent > adjusted or forecast <= adjusted,
              f"{name}: 全年预计执行数 {forecast} above the budget {adjusted}")
    if kind == "self-eval":
        check(total[col["权重"]] == "10.00", f"{name}: budget weight {total[col['权重']]}")
        score = figure(total[col["得分"]])[0]
        basis = spent_yuan if year_end else linear
        expected = round(min(basis / exact[0], 1) * 10 + 1e-9, 2) if exact[0] > 0 else 0
        check(abs(score - expected) < 0.005 and score <= 10, f"{name}: budget score {score}, expected {expected}")
        for r in rows[1:]:
            check(r[col["权重"]] == "/" and r[col["得分"]] == "/", f"{name}: {r[0]} has a weight or score")
        return score
    ratio_column = "执行进度与用款计划进度之比" if "spending_plan" in project else "执行进度与时间进度之比"
    of_plan = total[col[ratio_column]]
    if exact[0] > 0 and share > 0:
        expected = spent_yuan / exact[0] / share * 100
        check(abs(figure(of_plan)[0] - expected) <= 0.1, f"{name}: {ratio_column} {of_plan}, {expected:.2f}")
    elif share == 0:
        check(of_plan == "", f"{name}: {ratio_column} {of_plan} while the plan expects nothing")
    return None


def plan_share(project, month):
    """The share of the budget the project's spending plan expects by `month`; linear without one."""
    plan = project.get("spending_plan")
    if not plan:
        return month / 12
    if "cumulative" in plan:
        return plan["cumulative"][month - 1]
    return sum(plan["monthly"][:month])


def score_of(kind, a, b, w):
    if kind == "reverse":
        return w if b <= a else (0 if b >= 2 * a else (1 - (b - a) / a) * w)
    if a == 0:
        return w if b <= 0 else 0
    return min(max(b, 0) / a, 1) * w


def check_self_indicators(project, grid, budget_score):
    heading, columns, rows = grid
    name = project["name"]
    col = {c: i for i, c in enumerate(columns)}
    value_col = next(i for i, c in enumerate(columns) if c.endswith("完成值"))
    indicators = project["indicators"]
    check(len(rows) == len(indicators) + 1 and rows[-1][0] == "合计", f"{name}: {len(rows)} indicator rows")
    expected_weights = weights(indicators)
    total_score = cents(budget_score)
    for indicator, row, weight in zip(indicators, rows, expected_weights):
        label = f"{name} / {indicator['name']}"
        check(row[2] == indicator["name"], f"{label}: named {row[2]}")
        printed_weight, printed_score = figure(row[col["权重"]])[0], figure(row[col["得分"]])[0]
        check(cents(printed_weight) == cents(weight), f"{label}: weight {printed_weight}, expected {weight}")
        check(0 <= printed_score <= printed_weight, f"{label}: score {printed_score} above its weight {printed_weight}")
        total_score += cents(printed_score)
        spec = target(indicator.get("adjusted", {}).get("target", indicator["target"]))
        if spec["kind"] == "qualitative":
            check(row[col["指标性质"]] == "定性" and row[col["度量单位"]] == "/", f"{label}: {row}")
            continue
        check(row[col["度量单位"]] == spec["printed"], f"{label}: unit {row[col['度量单位']]}, published {spec['printed']}")
        printed_target = figure(row[col["指标值"]])[0] * spec["factor"]
        check(math.isclose(printed_target, spec["value"], rel_tol=1e-9), f"{label}: 指标值 {row[col['指标值']]}")
        value = figure(row[value_col])
        if value is None:
            continue
        b = value[0] * spec["factor"]
        half_step = 0.5 * spec["factor"] * 10 ** -spec["decimals"]
        low, high = sorted((score_of(spec["kind"], spec["value"], b - half_step, weight),
                            score_of(spec["kind"], spec["value"], b + half_step, weight)))
        check(low - 0.006 <= printed_score <= high + 0.006,
              f"{label}: score {printed_score} for {row[value_col]} against {spec['text']} "
              f"(between {low:.3f} and {high:.3f})")
    totals = rows[-1]
    check(totals[col["权重"]] == "100.00", f"{name}: 合计 weight {totals[col['权重']]}")
    check(cents(figure(totals[col["得分"]])[0]) == total_score,
          f"{name}: 合计 {totals[col['得分']]} is not the sum of the printed scores {total_score / 100}")


def check_monitor_indicators(project, grid, actuals):
    heading, columns, rows = grid
    actual_col = next(i for i, c in enumerate(columns) if c.endswith("执行情况"))
    for indicator, row in zip(project["indicators"], rows):
        label = f"{project['name']} / {indicator['name']}"
        check(row[2] == indicator["name"], f"{label}: named {row[2]}")
        reported = actuals.get((project["id"], indicator["id"]))
        spec = target(indicator["target"])
        if reported is None or spec["kind"] == "qualitative":
            continue
        parsed = quantity(reported[0])
        if parsed is None:
            continue
        printed = figure(row[actual_col])
        check(printed is not None and printed[1] == spec["printed"],
              f"{label}: {row[actual_col]} is not in the published unit {spec['printed']}")
        if printed is None:
            continue
        step = spec["factor"] * 10 ** -spec["decimals"]
        check(abs(printed[0] * spec["factor"] - parsed[0]) <= step * 1.0001,
              f"{label}: {row[actual_col]} for the reported {reported[0]}")


class HtmlCells(html.parser.HTMLParser):
    """The rows of every <table> in order, each a list of cell texts."""

    def __init__(self):
        super().__init__()
        self.rows, self.cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = ""
        elif tag == "br" and self.cell is not None:
            self.cell += "\n"

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def excel_text(value, number_format):
    """A number as Excel shows it with the formats the tables use."""
    suffix = re.search(r'"(.*)"$', number_format)
    base = re.sub(r'".*"$', "", number_format)
    if base == "0.00%":
        text = f"{value * 100:,.2f}%"
    elif base == "#,##0.00":
        text = f"{value:,.2f}"
    elif base == "#,##0":
        text = f"{value:,.0f}"
    else:
        return None
    return text + (suffix.group(1) if suffix else "")


LIGHT_COLOURS = {"绿灯": "FFC8E6C9", "蓝灯": "FFBBDEFB", "黄灯": "FFFFF59D", "红灯": "FFEF9A9A",
                 "逾期未报": "FFFFCC80", "未报送": "FFE0E0E0"}
TEXT_COLUMNS = {"年度指标值", "年度指标值（原目标）", "调整后指标值", "三级指标", "指标调整"}


def check_workbook(path, tables):
    workbook = openpyxl.load_workbook(path)
    check(len(workbook.sheetnames) == len(tables), f"{len(workbook.sheetnames)} sheets for {len(tables)} tables")
    numbers = 0
    for sheet_name, table in zip(workbook.sheetnames, tables):
        sheet = workbook[sheet_name]
        cells = [list(row) for row in sheet.iter_rows()]
        first_column = [("" if row[0].value is None else str(row[0].value)) for row in cells]
        for heading, columns, body in grids(table).values():
            at = first_column.index(heading) + 1
            for offset, expected in enumerate(body):
                row = cells[at + 1 + offset]
                for c, text in enumerate(expected):
                    cell = row[c]
                    if figure(text) and columns[c] not in TEXT_COLUMNS:
                        ok = isinstance(cell.value, (int, float)) and \
                             excel_text(cell.value, cell.number_format) == text
                        check(ok, f"{sheet_name} {cell.coordinate}: {cell.value!r} as "
                                  f"{cell.number_format!r} does not print {text!r} as a number")
                        numbers += ok
                    else:
                        got = "" if cell.value is None else str(cell.value)
                        check(got == text, f"{sheet_name} {cell.coordinate}: {got!r}, the CSV says {text!r}")
                    check(cell.border.left.style == "thin", f"{sheet_name} {cell.coordinate} is not bordered")
                    if columns[c] == "预警" and text in LIGHT_COLOURS:
                        check(cell.fill.fgColor.rgb == LIGHT_COLOURS[text],
                              f"{sheet_name} {cell.coordinate}: {text} is coloured {cell.fill.fgColor.rgb}")
        check(sheet.page_setup.orientation == "landscape" and str(sheet.page_setup.paperSize) == "9",
              f"{sheet_name}: not A4 landscape")
    return numbers


def main():
    catalog_path, actuals_path, as_of, kind, csv_path, html_path, xlsx_path = sys.argv[1:8]
    catalog = yaml.safe_load(open(catalog_path, encoding="utf-8"))
    month = int(as_of.split("-")[1])
    year_end = month == 12
    actuals = load_actuals(actuals_path, catalog, month)
    tables = csv_tables(csv_path)
    check(len(tables) == len(catalog["projects"]), f"{len(tables)} tables for {len(catalog['projects'])} projects")
    for project, table in zip(catalog["projects"], tables):
        facts = {row[0]: row[1] for row in table[1:4]}
        check(facts.get("项目名称") == project["name"], f"table for {facts.get('项目名称')}, expected {project['name']}")
        found = grids(table)
        spent = actuals.get((project["id"], "spent"))
        spent = (quantity(spent[0])[0], spent[1]) if spent else None
        budget_score = check_budget(project, found["预算执行情况"], spent, month, kind, year_end)
        if kind == "self-eval":
            check_self_indicators(project, found["绩效指标"], budget_score or 0)
            names = [row[0] for row in table]
            for part in ("评价结论", "存在问题", "改进措施"):
                check(part in names, f"{project['name']}: no {part}")
            check(any(row[:1] == ["项目负责人："] or (row and row[0].startswith("项目负责人"))
                      for row in table), f"{project['name']}: no signature lines")
        else:
            check_monitor_indicators(project, found["绩效指标"], actuals)
    # The HTML prints the same grid cells as the CSV.
    parser = HtmlCells()
    parser.feed(open(html_path, encoding="utf-8").read())
    html_rows = [row for row in parser.rows if row]
    csv_rows = [row for table in tables for _, columns, body in grids(table).values()
                for row in [columns] + body]
    for row in csv_rows:
        check(row in html_rows, f"the HTML has no row {row}")
    numbers = check_workbook(xlsx_path, tables)
    check(numbers > 0, "the workbook has no numeric cells")
    if problems:
        print("\n".join(problems[:40]))
        sys.exit(1)
    print(f"{len(tables)} {kind} tables re-derived; {numbers} figures are numbers in the workbook")


main()
