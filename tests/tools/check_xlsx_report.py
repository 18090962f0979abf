#!/usr/bin/python3
"""Reads an official-table workbook back as Excel would (openpyxl) and checks it against the
CSV of the same report: the same tables with the same cells, laid out to print.

Usage: check_xlsx_report.py REPORT.xlsx REPORT.csv UNIT_NAME
Exit 0 when everything holds; otherwise says what differs and exits 1."""
import csv
import io
import sys

import openpyxl

LIGHT_COLOURS = {"绿灯": "FFC8E6C9", "蓝灯": "FFBBDEFB", "黄灯": "FFFFF59D", "红灯": "FFEF9A9A",
                 "逾期未报": "FFFFCC80", "未报送": "FFE0E0E0"}


def csv_tables(path):
    """The CSV report as tables: title, facts, goal rows, header, rows, totals."""
    text = open(path, encoding="utf-8-sig", newline="").read()
    tables = []
    for block in text.split("\r\n\r\n"):
        rows = list(csv.reader(io.StringIO(block)))
        if not rows:
            continue
        header = next(i for i, row in enumerate(rows) if row[0] == "一级指标")
        body_end = header + 1
        while body_end < len(rows) and len(rows[body_end]) == len(rows[header]):
            body_end += 1
        tables.append({"title": rows[0][0], "facts": rows[1:header - 2], "goal": rows[header - 2:header],
                       "header": rows[header], "rows": rows[header + 1:body_end],
                       "totals": rows[body_end:]})
    return tables


def fail(message):
    print(message)
    sys.exit(1)


def main():
    workbook = openpyxl.load_workbook(sys.argv[1])
    tables = csv_tables(sys.argv[2])
    unit = sys.argv[3]
    if len(workbook.sheetnames) != len(tables):
        fail(f"{len(workbook.sheetnames)} sheets for {len(tables)} tables")
    for sheet_name, table in zip(workbook.sheetnames, tables):
        sheet = workbook[sheet_name]
        facts = dict(table["facts"])
        if not facts["项目名称"].startswith(sheet_name[:28]):
            fail(f"sheet {sheet_name!r} is not named after {facts['项目名称']!r}")
        if sheet["A1"].value != unit or sheet["A2"].value != table["title"]:
            fail(f"{sheet_name}: heading {sheet['A1'].value!r} / {sheet['A2'].value!r}")
        merged = {str(r) for r in sheet.merged_cells.ranges}
        last = openpyxl.utils.get_column_letter(len(table["header"]))
        if f"A1:{last}1" not in merged or f"A2:{last}2" not in merged:
            fail(f"{sheet_name}: the heading cells are not merged across the table ({merged})")
        values = [[("" if v is None else str(v)) for v in row]
                  for row in sheet.iter_rows(values_only=True)]
        for name, value in table["facts"]:
            if [name, "", value] != values[[r[0] for r in values].index(name)][:3]:
                fail(f"{sheet_name}: fact {name} is not {value!r}")
        goal_row = [r[0] for r in values].index("年度总体目标")
        if ([v for v in values[goal_row] if v] != table["goal"][0]
                or [v for v in values[goal_row + 1] if v] != [v for v in table["goal"][1] if v]):
            fail(f"{sheet_name}: 年度总体目标 rows {values[goal_row:goal_row + 2]}")
        for name, value in table["totals"]:
            if [name, "", value] != values[[r[0] for r in values].index(name)][:3]:
                fail(f"{sheet_name}: {name} is not {value!r}")
        header_row = [r[0] for r in values].index("一级指标")
        if values[header_row][:len(table["header"])] != table["header"]:
            fail(f"{sheet_name}: header {values[header_row]}")
        for offset, expected in enumerate(table["rows"]):
            got = values[header_row + 1 + offset][:len(expected)]
            if got != expected:
                fail(f"{sheet_name}: row {offset + 1} is {got}, the CSV says {expected}")
            light = expected[-1]
            if table["header"][-1] == "预警" and light in LIGHT_COLOURS:
                cell = sheet.cell(row=header_row + 2 + offset, column=len(expected))
                if cell.fill.fgColor.rgb != LIGHT_COLOURS[light]:
                    fail(f"{sheet_name}: {light} is coloured {cell.fill.fgColor.rgb}")
            if any(sheet.cell(row=header_row + 2 + offset, column=c + 1).border.left.style != "thin"
                   for c in range(len(expected))):
                fail(f"{sheet_name}: row {offset + 1} is not bordered")
        setup = sheet.page_setup
        if setup.orientation != "landscape" or str(setup.paperSize) != "9":
            fail(f"{sheet_name}: prints {setup.orientation} on paper {setup.paperSize}, not A4 landscape")
        if sheet.print_title_rows != f"${header_row + 1}:${header_row + 1}":
            fail(f"{sheet_name}: the header row is not repeated on printed pages ({sheet.print_title_rows})")
        # fitToWidth left out means 1 (ECMA-376); fitToHeight 0: as many pages down as needed.
        if (not sheet.sheet_properties.pageSetUpPr.fitToPage or setup.fitToWidth not in (None, 1)
                or str(setup.fitToHeight) != "0"):
            fail(f"{sheet_name}: not fitted to the page width")
    print(f"{len(tables)} sheets match the CSV and print as A4 landscape")


main()
