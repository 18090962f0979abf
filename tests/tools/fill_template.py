#!/usr/bin/python3
"""Fills the first sheet of an XLSX report template the way a manager does in a spreadsheet:
numbers, a rate typed into its percentage cell, grades and reasons picked from the dropdowns,
the reporter on every row; then sorts two rows the other way round and edits a visible
indicator name, which the hidden id columns must survive. Checks first that the template
offers what it should (the cells to fill unlocked and the rest locked, the ids hidden, the
dropdowns, the percentage format).

Usage: fill_template.py TEMPLATE.xlsx FILLED.xlsx"""
import sys

import openpyxl


def fail(message):
    print(message)
    sys.exit(1)


workbook = openpyxl.load_workbook(sys.argv[1])
sheet = workbook.worksheets[0]
header = [cell.value for cell in sheet[1]]
column = {name: index + 1 for index, name in enumerate(header)}
rows = {sheet.cell(row=r, column=column["指标"]).value: r for r in range(2, sheet.max_row + 1)}
if not sheet.protection.sheet:
    fail("the sheet is not protected")
for r in rows.values():
    for name in header:
        locked = sheet.cell(row=r, column=column[name]).protection.locked
        if locked != (column[name] < column["完成值"]):
            fail(f"{name} on row {r} is {'locked' if locked else 'unlocked'}")
for name in ("project_id", "indicator_id"):
    letter = openpyxl.utils.get_column_letter(column[name])
    if not sheet.column_dimensions[letter].hidden:
        fail(f"the column {name} is not hidden")
lists = {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation}
value_column = openpyxl.utils.get_column_letter(column["完成值"])
if lists.get(f"{value_column}{rows['大楼设备维修响应及时性']}") != '"达成,部分达成,未达成"':
    fail(f"no grade dropdown on the qualitative row: {lists}")
if not any("人员保障" in formula for formula in lists.values()):
    fail(f"no 偏差原因 dropdown: {lists}")
if sheet.cell(row=rows["使用人员满意度"], column=column["完成值"]).number_format != "0.00%":
    fail("the rate's cell is not formatted as a percentage")

values = {"设备维护数量": 12, "设备故障修复处理时间": 20, "大楼设备维修响应及时性": "达成",
          "设备维修维护成本": 60000, "工作正常运转保障度": "部分达成", "使用人员满意度": 0.96,
          "预算执行数": 120000}
for indicator, value in values.items():
    sheet.cell(row=rows[indicator], column=column["完成值"]).value = value
    sheet.cell(row=rows[indicator], column=column["填报人"]).value = "张三"
first = rows["设备维护数量"]
sheet.cell(row=first, column=column["偏差原因"]).value = "人员保障"
sheet.cell(row=first, column=column["偏差说明"]).value = "技术人员不足"
sheet.cell(row=first, column=column["改进措施"]).value = "增派人员"
sheet.cell(row=first, column=column["完成可能性"]).value = "有可能"

# The manager sorts two rows the other way round and shortens a name: the ids still match.
a, b = rows["设备维护数量"], rows["设备维修维护成本"]
for c in range(1, len(header) + 1):
    upper, lower = sheet.cell(row=a, column=c), sheet.cell(row=b, column=c)
    upper.value, lower.value = lower.value, upper.value
sheet.cell(row=b, column=column["指标"]).value = "维护设备数"
workbook.save(sys.argv[2])
