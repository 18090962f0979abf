#!/usr/bin/python3
"""Runs the corpus of real layouts (make_layout_corpus.py) through the real ptmon: every table in
CSV (UTF-8 and GBK), in XLSX as openpyxl saves it and as LibreOffice re-saves it. An export
must import into a catalogue that loads (check-config exit 0) with exactly the expected
projects, funds and indicators; a monthly report must apply its values.
Usage: layout_corpus_test.py PTMON WORK_DIR"""
import json
import os
import shutil
import subprocess
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_layout_corpus  # noqa: E402

FAILURES = []


def fail(where, message):
    FAILURES.append(f"{where}: {message}")


def run(args):
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


def check_import(ptmon, path, expected, work):
    where = os.path.basename(path)
    out = os.path.join(work, where + ".catalog.yaml")
    result = run([ptmon, "import", path, "--out", out])
    if result.returncode != 0:
        return fail(where, f"import exit {result.returncode}: {result.stderr.strip()}")
    check = run([ptmon, "check-config", "--catalog", out])
    if check.returncode != 0:
        fail(where, f"check-config exit {check.returncode}: {check.stdout}{check.stderr}")
    for review in expected.get("reviews", []):
        if review not in result.stderr:
            fail(where, f"no review naming {review!r}: {result.stderr}")
    if "reviews" not in expected and "lines to review" in result.stderr:
        # Left for a person: the fund split where the export gives a total only, and the
        # 主管部门 where it names none.
        lines = [l for l in result.stderr.splitlines()[1:] if l.startswith("  ")]
        allowed = ["split it by source", "实施期资金"]
        if "department" not in (expected["projects"] or [{}])[0]:
            allowed.append("no 主管部门")
        others = [l for l in lines if not any(a in l for a in allowed)]
        if others:
            fail(where, "reviews a person need not make: " + " | ".join(others))
    with open(out, encoding="utf-8") as f:
        catalog = yaml.safe_load(f)
    for key, field in (("unit_id", "id"), ("unit_name", "name")):
        if key in expected and catalog["unit"][field] != expected[key]:
            fail(where, f"unit {field} {catalog['unit'][field]!r}, expected {expected[key]!r}")
    if catalog["year"] != expected["year"]:
        fail(where, f"year {catalog['year']!r}, expected {expected['year']!r}")
    projects = catalog.get("projects") or []
    if [p["name"] for p in projects] != [p["name"] for p in expected["projects"]]:
        return fail(where, f"projects {[p['name'] for p in projects]}")
    for got, want in zip(projects, expected["projects"]):
        if "department" in want and got.get("department") != want["department"]:
            fail(where, f"department {got.get('department')!r}, expected {want['department']!r}")
        annual = (got.get("funds") or {}).get("annual") or {}
        if "annual_total" in want and annual.get("total") != want["annual_total"]:
            fail(where, f"{want['name']}: annual total {annual.get('total')}, "
                        f"expected {want['annual_total']}")
        for source, amount in want.get("annual_sources", {}).items():
            if annual.get(source) != amount:
                fail(where, f"{want['name']}: {source} {annual.get(source)}, expected {amount}")
        indicators = [{"name": i["name"], "target": i["target"], "weight": float(i["weight"])}
                      for i in got["indicators"]]
        if indicators != want["indicators"]:
            fail(where, f"{want['name']}: indicators {indicators}, expected {want['indicators']}")
        ids = [got["id"]] + [i["id"] for i in got["indicators"]]
        if any(not i.isascii() or i.startswith(("project-", "quantity-")) for i in ids):
            fail(where, f"ids not made from the names: {ids}")


def check_report(ptmon, path, expected, catalog, work):
    where = os.path.basename(path)
    data = os.path.join(work, where + ".data")
    shutil.rmtree(data, ignore_errors=True)
    result = run([ptmon, "ingest", "--catalog", catalog, "--data-dir", data, "--now",
                  "2026-08-06", path])
    if result.returncode != 0:
        return fail(where, f"ingest exit {result.returncode}: {result.stdout}{result.stderr}")
    said = result.stdout + result.stderr
    if f"applied {expected['applied']} values" not in said:
        fail(where, f"expected {expected['applied']} values applied: {said}")


def main():
    ptmon, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    corpus = os.path.join(work, "corpus")
    make_layout_corpus.write(corpus)
    # LibreOffice re-saves every workbook, as a unit's office suite would.
    resaved = os.path.join(work, "libreoffice")
    os.makedirs(resaved)
    books = sorted(f for f in os.listdir(corpus) if f.endswith(".xlsx"))
    profile = "file://" + os.path.join(work, "lo-profile")
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "xlsx", "--outdir", resaved] +
                   [os.path.join(corpus, b) for b in books],
                   check=True, capture_output=True, timeout=600)
    with open(os.path.join(corpus, "expected.json"), encoding="utf-8") as f:
        cases = json.load(f)
    catalog = os.path.join(corpus, "catalog.yaml")
    checked = 0
    for name, entry in cases.items():
        paths = [os.path.join(corpus, f"{name}.{s}") for s in ("utf8.csv", "gbk.csv", "xlsx")]
        paths.append(os.path.join(resaved, f"{name}.xlsx"))
        for path in paths:
            if not os.path.exists(path):
                fail(name, f"{path} was not written")
                continue
            if entry["kind"] == "import":
                check_import(ptmon, path, entry["expected"], work)
            else:
                check_report(ptmon, path, entry["expected"], catalog, work)
            checked += 1
    print(f"{len(cases)} layouts, {checked} files checked, {len(FAILURES)} failures")
    for failure in FAILURES:
        print("FAIL", failure)
    return 1 if FAILURES or len(cases) < 20 else 0


if __name__ == "__main__":
    sys.exit(main())
