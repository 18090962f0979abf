#!/usr/bin/python3
"""Checks that each picture scripts/render-pictures.sh made is a PNG of a page with something
on it: the signature, a page-sized width and height, and more bytes than a blank page takes
(an empty A4 page at 70 dpi compresses to a few kilobytes; a table to tens).

Usage: check_pictures.py DIR NAME..."""
import struct
import sys

directory, names = sys.argv[1], sys.argv[2:]
failed = False
for name in names:
    with open(f"{directory}/{name}", "rb") as picture:
        data = picture.read()
    width, height = struct.unpack(">II", data[16:24]) if len(data) >= 24 else (0, 0)
    problems = []
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        problems.append("not a PNG")
    if width < 500 or height < 500:
        problems.append(f"only {width}x{height} pixels")
    if len(data) < 20_000:
        problems.append(f"only {len(data)} bytes: a blank page?")
    print(f"{name}: {width}x{height}, {len(data)} bytes" + (": " + "; ".join(problems) if problems else ""))
    failed = failed or bool(problems)
sys.exit(1 if failed else 0)
