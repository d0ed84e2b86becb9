#!/usr/bin/python3
"""markdown-check.py [--max-size N] FILE - check the structure of the Markdown
`sgplan show --format markdown` writes, the way GitHub would read it:

- every <details><summary>...</summary> line is followed by a blank line and
  closed by its own </details> line after a blank line; none nest;
- fenced code blocks close, and each line in them starts with a diff sign;
- every table row has as many cells (unescaped |) as its header;
- no raw HTML outside the structure lines and code (no <script>, no stray
  </details>), no line break inside a table row or a summary;
- headings and summaries hold no backslash escapes, and **Warnings** is bold;
- the whole is at most N characters (code points, as GitHub counts).

Prints a summary as JSON (size, details, rows, shortened) and exits 1 on the
first problem, naming its line.  python3 standard library only."""
import json
import re
import sys

ALLOWED_TAGS = re.compile(r"</?(details|summary|b)>")
RAW_TAG = re.compile(r"<[A-Za-z/!?]")
SUMMARY = re.compile(r"^<details><summary>(.*)</summary>$")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def cells(line):
    """The cells of a table row: split at | not escaped by a backslash."""
    body = line.strip()
    if not (body.startswith("|") and body.endswith("|")) or body.endswith("\\|"):
        return None
    parts, cur, i = [], "", 1
    while i < len(body) - 1:
        c = body[i]
        if c == "\\" and i + 1 < len(body) - 1:
            cur += body[i:i + 2]
            i += 2
            continue
        if c == "|":
            parts.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    parts.append(cur)
    return parts


def fail(n, message):
    print(f"line {n}: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    args = sys.argv[1:]
    max_size = 0
    if args[:1] == ["--max-size"]:
        max_size = int(args[1])
        args = args[2:]
    with open(args[0], encoding="utf-8") as f:
        text = f.read()
    if max_size and len(text) > max_size:
        fail(0, f"{len(text)} characters, more than {max_size}")
    lines = text.split("\n")
    in_code = in_details = False
    table_cols = None
    stats = {"size": len(text), "details": 0, "rows": 0, "tables": 0,
             "shortened": "**Shortened**" in text}
    for n, line in enumerate(lines, 1):
        prev = lines[n - 2] if n >= 2 else ""
        nxt = lines[n] if n < len(lines) else ""
        if in_code:
            if line == "```":
                in_code = False
            elif line[:1] not in ("+", "-", "~"):
                fail(n, f"a line in a diff block without a sign: {line!r}")
            continue
        if line.startswith("```"):
            if line != "```diff":
                fail(n, f"unexpected fence {line!r}")
            in_code = True
            continue
        m = SUMMARY.match(line)
        if m:
            if in_details:
                fail(n, "<details> inside <details>")
            if nxt != "":
                fail(n, "no blank line after <summary>: GitHub would not read the Markdown after it")
            summary = ALLOWED_TAGS.sub("", m.group(1))
            if RAW_TAG.search(summary) or "\\" in re.sub(r"\\[a-z0-9]", "", summary):
                fail(n, f"raw HTML or a backslash escape in a summary: {line!r}")
            in_details = True
            stats["details"] += 1
            continue
        if line == "</details>":
            if not in_details:
                fail(n, "</details> without <details>")
            if prev != "":
                fail(n, "no blank line before </details>")
            in_details = False
            continue
        # outside code: no raw HTML at all (code spans may show it)
        if RAW_TAG.search(CODE_SPAN.sub("", line)):
            fail(n, f"raw HTML: {line!r}")
        if line.startswith("#"):
            if re.search(r"\\[!-/:-@\[-`{-~]", line):
                fail(n, f"a backslash escape in a heading: {line!r}")
        if "\\*\\*Warnings" in line:
            fail(n, "escaped **Warnings**")
        row = cells(line) if line.startswith("|") else None
        if row is not None:
            if table_cols is None:
                if not re.fullmatch(r"\|( -+:? \|)+", nxt):
                    fail(n, f"a table without a delimiter row: {line!r}")
                table_cols = len(row)
                stats["tables"] += 1
            elif len(row) != table_cols:
                fail(n, f"{len(row)} cells where the header has {table_cols}: {line!r}")
            else:
                stats["rows"] += 1
            continue
        if line.startswith("|"):
            fail(n, f"a broken table row: {line!r}")
        table_cols = None
    if in_code:
        fail(len(lines), "a code block is not closed")
    if in_details:
        fail(len(lines), "<details> is not closed")
    if not text.endswith("\n") or text.endswith("\n\n"):
        fail(len(lines), "the text does not end with exactly one newline")
    print(json.dumps(stats, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
