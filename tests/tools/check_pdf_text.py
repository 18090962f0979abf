#!/usr/bin/python3
"""Checks a printed PDF (LibreOffice's export of an XLSX table) for overlapping text: the boxes
of the text lines pdftotext finds on each page must not overlap, as they do when a row is too
short for its wrapped text and the lines run into the next row.

Usage: check_pdf_text.py FILE.pdf... Exit 0 when no line overlaps another; otherwise names the
page and the two lines, exit 1."""
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

NS = "{http://www.w3.org/1999/xhtml}"
# Line boxes span the font's ascent and descent, so the lines of one wrapped cell overlap by a
# point or so; text printed over other text overlaps by a good part of a line.
OVERLAP = 0.3  # of the lower line's height


def lines(path):
    layout = subprocess.run(["pdftotext", "-bbox-layout", path, "-"], check=True,
                            capture_output=True, text=True).stdout
    root = ElementTree.fromstring(layout)
    for number, page in enumerate(root.iter(NS + "page"), start=1):
        boxes = []
        for line in page.iter(NS + "line"):
            box = [float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")]
            text = "".join(word.text or "" for word in line.iter(NS + "word"))
            boxes.append((box, text))
        yield number, boxes


def overlap(a, b):
    height = min(a[3] - a[1], b[3] - b[1])
    return (min(a[2], b[2]) - max(a[0], b[0]) > 1 and
            min(a[3], b[3]) - max(a[1], b[1]) > OVERLAP * height)


def main():
    problems, count = [], 0
    for path in sys.argv[1:]:
        for page, boxes in lines(path):
            count += len(boxes)
            for i, (a, text_a) in enumerate(boxes):
                for b, text_b in boxes[i + 1:]:
                    if overlap(a, b):
                        problems.append(f"{path} page {page}: {text_a!r} overlaps {text_b!r}")
    if count == 0:
        problems.append("no text found")
    if problems:
        print("\n".join(problems[:30]))
        sys.exit(1)
    print(f"{count} lines of text, none overlapping")


main()
