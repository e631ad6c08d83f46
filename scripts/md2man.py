#!/usr/bin/env python3
"""Turns one of docs/*.8.md into a man page (roff, man macros).

Usage: md2man.py IN.md OUT.8 VERSION

The references are written in the small subset of Markdown they use, so
this handles that subset and nothing more: "# name(8)" (the title),
"## SECTION", paragraphs, ``` code blocks, "- " lists, tables (each row
becomes a tagged paragraph: the first cell the tag, the others the text),
definition lists ("`term`" then ": text"), `code`, **bold** and *italic*.
Anything it does not know passes through as text, escaped, so a page
never breaks the formatter.  It runs at build time (CMakeLists.txt), so
the installed page is always the one in docs/.
"""
import re
import sys


def esc(text):
    """Escapes roff's specials in running text."""
    text = text.replace("\\", "\\e")
    text = text.replace("-", "\\-")
    return text


def inline(text):
    """Inline Markdown to roff fonts; the rest escaped."""
    out = []
    pos = 0
    pattern = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*|\*([^*]+)\*")
    for m in pattern.finditer(text):
        out.append(esc(text[pos:m.start()]))
        if m.group(1) is not None:
            out.append("\\fB" + esc(m.group(1)) + "\\fR")
        elif m.group(2) is not None:
            out.append("\\fB" + esc(m.group(2)) + "\\fR")
        else:
            out.append("\\fI" + esc(m.group(3)) + "\\fR")
        pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def line_out(text):
    """A line of text that must not start with a roff control character."""
    if text.startswith((".", "'")):
        return "\\&" + text
    return text


def table_cells(row):
    row = row.strip().strip("|")
    cells = re.split(r"(?<!\\)\|", row)
    return [c.strip().replace("\\|", "|") for c in cells]


def convert(md, version):
    lines = md.splitlines()
    out = []
    title = re.match(r"#\s+(\S+)\((\d)\)", lines[0]) if lines else None
    name, section = (title.group(1), title.group(2)) if title else ("?", "8")
    out.append('.TH "%s" "%s" "" "switchd %s" "switchd"'
               % (name.upper(), section, version))
    i = 1
    in_code = False
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.startswith("```"):
            in_code = not in_code
            out.append(".nf" if in_code else ".fi")
            continue
        if in_code:
            out.append(line_out(esc(line)))
            continue
        if line.startswith("## "):
            out.append(".SH " + esc(line[3:].strip().upper()))
            continue
        if line.startswith("### "):
            out.append(".SS " + esc(line[4:].strip()))
            continue
        if not line.strip():
            out.append(".PP")
            continue
        if line.startswith("|"):
            cells = table_cells(line)
            if all(re.fullmatch(r":?-+:?", c) for c in cells if c):
                continue  # The separator row.
            if i < len(lines) and re.match(r"\|\s*:?-", lines[i]):
                continue  # The header row: the tags say enough.
            out.append(".TP")
            out.append(line_out(inline(cells[0])))
            out.append(line_out(inline(" ".join(cells[1:]))))
            continue
        if line.startswith(": "):
            out.append(line_out(inline(line[2:])))
            continue
        if line.startswith("- "):
            out.append(".IP \\(bu 2")
            out.append(line_out(inline(line[2:])))
            continue
        if i < len(lines) and lines[i].startswith(": "):
            out.append(".TP")
            out.append(line_out(inline(line)))
            continue
        out.append(line_out(inline(line.strip())))
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 4:
        sys.stderr.write("usage: md2man.py IN.md OUT.8 VERSION\n")
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        md = f.read()
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write(convert(md, sys.argv[3]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
