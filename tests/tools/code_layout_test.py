#!/usr/bin/python3
"""The layout the README's table promises, checked on the sources: the product (every library
folder's *.cc and *.h, not tests, bench or fuzz) keeps daemon/ to the wiring — at most a fifth
of its lines — no library includes a header of daemon/ (dependencies point down), and no
source file (the tests' too) passes 800 lines.
Usage: code_layout_test.py SOURCE_DIR"""
import os
import re
import sys

NOT_PRODUCT = {"tests", "bench", "fuzz", "docs", "scripts", "deploy", "cmake"}
MAX_FILE_LINES = 800
MAX_DAEMON_SHARE = 0.2


def product_files(root):
    for folder in sorted(os.listdir(root)):
        path = os.path.join(root, folder)
        if folder in NOT_PRODUCT or folder.startswith((".", "build")) or not os.path.isdir(path):
            continue
        if not os.path.exists(os.path.join(path, "CMakeLists.txt")):
            continue
        for directory, _, names in os.walk(path):
            for name in sorted(names):
                if name.endswith((".cc", ".h")):
                    yield folder, os.path.relpath(os.path.join(directory, name), root)


def source_line_counts(root):
    """Every C++ source of the tree, the tests' and benchmarks' too: none passes the limit."""
    for directory, folders, names in os.walk(root):
        folders[:] = [f for f in folders if not f.startswith((".", "build"))]
        for name in sorted(names):
            if name.endswith((".cc", ".h")):
                path = os.path.join(directory, name)
                with open(path, encoding="utf-8") as text:
                    yield os.path.relpath(path, root), text.read().count("\n")


def main():
    root = sys.argv[1]
    failures = []
    lines = {}
    for folder, file in product_files(root):
        with open(os.path.join(root, file), encoding="utf-8") as text:
            lines[file] = (folder, text.read().split("\n")[:-1])
    total = sum(len(body) for _, body in lines.values())
    daemon = sum(len(body) for folder, body in lines.values() if folder == "daemon")
    share = daemon / total
    print(f"product {total} lines, daemon/ {daemon} ({share:.1%})")
    if share > MAX_DAEMON_SHARE:
        failures.append(f"daemon/ holds {share:.1%} of the product's lines, more than a fifth")
    daemon_headers = {name for file, (folder, _) in lines.items() if folder == "daemon"
                      for name in [os.path.basename(file)] if name.endswith(".h")}
    include = re.compile(r'#include "([^"]+)"')
    for file, (folder, body) in lines.items():
        if folder == "daemon":
            continue
        here = os.path.dirname(os.path.join(root, file))
        for number, line in enumerate(body, 1):
            match = include.match(line)
            if (match and match.group(1) in daemon_headers
                    and not os.path.exists(os.path.join(here, match.group(1)))):
                failures.append(f"{file}:{number} includes daemon/'s {match.group(1)}")
    for file, count in source_line_counts(root):
        if count > MAX_FILE_LINES:
            failures.append(f"{file} has {count} lines, more than {MAX_FILE_LINES}")
    for failure in failures:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
