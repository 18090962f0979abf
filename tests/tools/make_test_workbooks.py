#!/usr/bin/python3
"""Writes the .xlsx files of tests/data/reports (good/ and bad/), part by part, so that each
shows exactly the feature or the fault it is there for: shared, rich and inline strings,
formulas with and without their saved value, percentage and date formats, serial dates, hidden
id columns, hidden and instruction sheets, namespace prefixes, cells without references; and
wrong headers, text in number cells, a zip bomb, a truncated archive, an encrypted workbook, an
old .xls renamed, a DTD, deep nesting. The files are committed; run this again only to change
them:  tests/tools/make_test_workbooks.py tests/data/reports"""
import io
import sys
import zipfile
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

# Styles by index: 0 general, 1 percentage (built-in 10), 2 date (built-in 14),
# 3 a custom Chinese date, 4 money (custom, neither date nor percentage).
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}"><numFmts count="2">
<numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/>
<numFmt numFmtId="165" formatCode="#,##0.00_);[Red]\\(#,##0.00\\)"/></numFmts>
<fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts>
<fills count="1"><fill><patternFill patternType="none"/></fill></fills>
<borders count="1"><border/></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="10" applyNumberFormat="1"/>
<xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/>
<xf numFmtId="165" applyNumberFormat="1"/></cellXfs></styleSheet>"""
STYLE = {"pct": 1, "date": 2, "cdate": 3, "money": 4}


def column_letters(n):
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


class Strings:
    def __init__(self):
        self.items = []

    def index(self, xml):
        if xml not in self.items:
            self.items.append(xml)
        return self.items.index(xml)

    def part(self):
        body = "".join(f"<si>{item}</si>" for item in self.items)
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{MAIN}" '
                f'count="{len(self.items)}" uniqueCount="{len(self.items)}">{body}</sst>')


def cell_xml(spec, ref, strings, p):
    """A cell: str (shared), int/float, ('pct'|'date'|'cdate'|'money', number),
    ('f', formula, cached or None), ('e', error), ('inline', text), ('rich', [runs], reading)."""
    r = f' r="{ref}"' if ref else ""
    if isinstance(spec, str):
        return f'<{p}c{r} t="s"><{p}v>{strings.index(f"<t>{escape(spec)}</t>")}</{p}v></{p}c>'
    if isinstance(spec, (int, float)):
        return f"<{p}c{r}><{p}v>{spec!r}</{p}v></{p}c>"
    kind = spec[0]
    if kind in STYLE:
        return f'<{p}c{r} s="{STYLE[kind]}"><{p}v>{spec[1]!r}</{p}v></{p}c>'
    if kind == "f":
        cached = "" if spec[2] is None else f"<{p}v>{spec[2]!r}</{p}v>"
        return f"<{p}c{r}><{p}f>{escape(spec[1])}</{p}f>{cached}</{p}c>"
    if kind == "e":
        return f'<{p}c{r} t="e"><{p}f>1/0</{p}f><{p}v>{spec[1]}</{p}v></{p}c>'
    if kind == "inline":
        return f'<{p}c{r} t="inlineStr"><{p}is><{p}t>{escape(spec[1])}</{p}t></{p}is></{p}c>'
    if kind == "rich":
        runs = "".join(f"<r><t xml:space=\"preserve\">{escape(run)}</t></r>" for run in spec[1])
        reading = f'<rPh sb="0" eb="1"><t>{escape(spec[2])}</t></rPh>'
        return f'<{p}c{r} t="s"><{p}v>{strings.index(runs + reading)}</{p}v></{p}c>'
    raise ValueError(spec)


def sheet_xml(rows, strings, prefix="", references=True, hidden_columns=()):
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    cols = "".join(f'<{p}col min="{c}" max="{c}" width="12" hidden="1"/>' for c in hidden_columns)
    out = [f'<?xml version="1.0" encoding="UTF-8"?>\n<{p}worksheet {ns}>']
    if cols:
        out.append(f"<{p}cols>{cols}</{p}cols>")
    out.append(f"<{p}sheetData>")
    for row_number, row in enumerate(rows, start=1):
        cells = []
        for column_number, spec in enumerate(row, start=1):
            if spec is None:
                continue
            ref = f"{column_letters(column_number)}{row_number}" if references else ""
            cells.append(cell_xml(spec, ref, strings, p))
        r = f' r="{row_number}"' if references else ""
        out.append(f"<{p}row{r}>{''.join(cells)}</{p}row>")
    out.append(f"</{p}sheetData></{p}worksheet>")
    return "".join(out)


def workbook(sheets, date1904=False):
    """sheets: dicts with name, rows, and optionally hidden, prefix, references,
    hidden_columns, or xml (the part as given)."""
    strings = Strings()
    parts = {}
    entries, rels = [], []
    for i, sheet in enumerate(sheets, start=1):
        state = ' state="hidden"' if sheet.get("hidden") else ""
        entries.append(f'<sheet name="{escape(sheet["name"])}" sheetId="{i}"{state} r:id="rId{i}"/>')
        rels.append(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" '
                    f'Target="worksheets/sheet{i}.xml"/>')
        parts[f"xl/worksheets/sheet{i}.xml"] = sheet.get("xml") or sheet_xml(
            sheet["rows"], strings, sheet.get("prefix", ""), sheet.get("references", True),
            sheet.get("hidden_columns", ()))
    n = len(sheets)
    rels.append(f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/>')
    rels.append(f'<Relationship Id="rId{n + 2}" Type="{REL}/sharedStrings" '
                f'Target="sharedStrings.xml"/>')
    pr = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
    parts["xl/workbook.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?>\n<workbook xmlns="{MAIN}" '
                                f'xmlns:r="{REL}">{pr}<sheets>{"".join(entries)}</sheets></workbook>')
    parts["xl/_rels/workbook.xml.rels"] = (f'<?xml version="1.0" encoding="UTF-8"?>\n'
                                           f'<Relationships xmlns="{PKG_REL}">{"".join(rels)}'
                                           f"</Relationships>")
    parts["xl/styles.xml"] = STYLES
    parts["xl/sharedStrings.xml"] = strings.part()
    parts["_rels/.rels"] = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships '
                            f'xmlns="{PKG_REL}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
                            f'Target="xl/workbook.xml"/></Relationships>')
    parts["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
        "</Types>")
    return zip_bytes(parts)


def zip_bytes(parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 8, 1, 9, 0, 0))  # reproducible bytes
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode() if isinstance(text, str) else text)
    return buffer.getvalue()


HEADER = ["项目", "指标", "期间", "完成值", "偏差原因", "偏差说明", "改进措施", "完成可能性", "填报人"]

# The same values as good/july-utf8-bom.csv, written as spreadsheets write them.
GOOD = workbook([
    {"name": "填写说明", "rows": [["请在各项目的工作表中填写本月完成值"], ["每个项目一张表"]]},
    {"name": "设备项目", "hidden_columns": [10], "rows": [
        ["填报人", "指标", "项目", "期间", "完成值", "偏差原因", "偏差说明", "改进措施", "完成可能性",
         "indicator_id"],
        [("inline", "张三"), "维护设备（名称已改）", "设备项目", ("date", 46204), ("f", "10+2", 12),
         "人员", ("rich", ["技术人员不足, ", "已增派\"两人\""], "ぎじゅつ"), "增派人员", "有可能",
         "devices-maintained"],
        ["张三", "设备故障修复处理时间", "设备项目", ("cdate", 46210), "20.5小时"],
        ["张三", "维修响应及时性", "devices", 202607, "部分达成"],
        ["张三", "维修成本", "devices", "2026/07", "6.2万元"],
        ["李四", "使用人员满意度", "devices", 46230, ("pct", 0.96)],
        ["张三", "预算执行数", "devices", "2026-07", ("money", 215000)],
        [None, None, "同名项目", "2026-07"],
    ]},
    {"name": "同名项目", "prefix": "x", "references": False, "rows": [
        ["project_id", "indicator_id", "项目", "指标", "期间", "完成值"],
        ["twin-a", "people", "同名项目", "服务人数", "2026年7月", "6.2万"],
    ]},
    {"name": "lists", "hidden": True, "rows": [["项目", "指标"], ["不是项目", "不是指标"]]},
])


def good_sheet(rows, name="设备项目"):
    return {"name": name, "rows": [HEADER] + rows}


def cfb(stream_names):
    """The start of an OLE compound file with a directory naming these streams."""
    directory = b"".join(name.encode("utf-16-le").ljust(64, b"\0") + b"\0" * 64
                         for name in stream_names)
    return b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + b"\0" * 504 + directory


BAD = {
    "wrong-headers.xlsx": workbook([{"name": "七月", "rows": [
        ["项目", "指标名", "月份", "数值"], ["设备项目", "设备维护数量", "2026-07", 12]]}]),
    "text-in-number-cells.xlsx": workbook([good_sheet([
        ["设备项目", "设备维护数量", "2026-07", "十二"],
        ["设备项目", "使用人员满意度", "2026-07", ("pct", 1.5)],
        ["设备项目", "维修响应及时性", "2026-07", 1],
    ])]),
    "formulas-without-values.xlsx": workbook([good_sheet([
        ["设备项目", "设备维护数量", "2026-07", ("f", "SUM(J2:J9)", None)],
        ["设备项目", "维修成本", "2026-07", ("e", "#DIV/0!")],
    ])]),
    "cell-outside-header.xlsx": workbook([good_sheet([
        ["设备项目", "设备维护数量", "2026-07", 12, None, None, None, None, None, None, "备注: 含外包"],
    ])]),
    "duplicate-across-sheets.xlsx": workbook([
        good_sheet([["设备项目", "设备维护数量", "2026-07", 12]], "一组"),
        good_sheet([["设备项目", "设备维护数量", "2026-07", 13]], "二组"),
    ]),
    "no-report-sheet.xlsx": workbook([{"name": "Sheet1", "rows": [["七月完成情况"], [12]]}]),
    "zip-bomb.xlsx": workbook([{"name": "七月", "xml": (
        f'<?xml version="1.0"?>\n<worksheet xmlns="{MAIN}"><sheetData>' + " " * (80 << 20) +
        "</sheetData></worksheet>")}]),
    "truncated.xlsx": GOOD[:len(GOOD) // 2],
    "encrypted.xlsx": cfb(["Root Entry", "EncryptionInfo", "EncryptedPackage"]),
    "old-workbook-renamed.xlsx": cfb(["Root Entry", "Workbook", "SummaryInformation"]),
    "a-document.xlsx": zip_bytes({"[Content_Types].xml": "<Types/>",
                                  "word/document.xml": "<document/>"}),
    "entity-bomb.xlsx": workbook([{"name": "七月", "xml": (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;'
        "</t></is></c></row></sheetData></worksheet>")}]),
    "deep-nesting.xlsx": workbook([{"name": "七月", "xml": (
        f'<?xml version="1.0"?>\n<worksheet xmlns="{MAIN}">' + "<a>" * 100 + "</a>" * 100 +
        "</worksheet>")}]),
}


# For the embedded catalogue (Shanxi's), as the daemon's tests post and drop it.
EMBEDDED = workbook([{"name": "大楼维修维护", "rows": [
    ["project_id", "indicator_id", "指标", "期间", "完成值", "填报人"],
    ["building-maintenance", "devices-maintained", "设备维护数量", ("date", 46204), 15, "张三"],
    ["building-maintenance", "user-satisfaction", "使用人员满意度", ("date", 46204), ("pct", 0.97),
     "张三"],
]}])


def main():
    root = sys.argv[1]
    with open(f"{root}/good/july.xlsx", "wb") as out:
        out.write(GOOD)
    with open(f"{root}/good/building-maintenance-july.xlsx", "wb") as out:
        out.write(EMBEDDED)
    for name, data in BAD.items():
        with open(f"{root}/bad/{name}", "wb") as out:
            out.write(data)


main()
