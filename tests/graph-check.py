#!/usr/bin/env python3
"""graph-check.py - check the Mermaid flowchart `sgplan graph --format mermaid`
writes, structurally, with the standard library alone (no Mermaid at hand):

- it starts with "flowchart LR"; every other line is a comment, a subgraph
  opening, "end", a node, an edge, classDef, class or linkStyle;
- subgraphs are balanced, and their IDs and node IDs are plain identifiers,
  never keywords, each declared once;
- every label is quoted and holds only letters, digits, a few harmless marks,
  entities (#quot;, #NNN;) and <br>: no quote, ], ;, | or newline breaks out;
- every edge's two ends, and every node a class names, are declared; every
  linkStyle index names an edge.

Prints "nodes N edges M subgraphs S" on success.  With --labels, prints every
label decoded instead (entities as characters, <br> as " / "), one per line.
Exits 1 with the offending line on failure."""
import re
import sys

IDENT = r"[A-Za-z][A-Za-z0-9_]*"
LABEL = r'"((?:[A-Za-z0-9 _.,:/=+()\-]|#quot;|#[0-9]+;|<br>)*)"'
SHAPES = [(r"\(\[", r"\]\)"), (r"\[\[", r"\]\]"), (r"\{\{", r"\}\}"), (r"\(", r"\)"),
          (r"\[", r"\]"), (r">", r"\]")]
NODE = [re.compile(rf"^ *({IDENT}){o}{LABEL}{c}$") for o, c in SHAPES]
SUBGRAPH = re.compile(rf"^ *subgraph ({IDENT})\[{LABEL}\]$")
ARROWS = r"(?:-->|-\.->|==>|-\.-)"
EDGE = re.compile(rf"^ *({IDENT}) {ARROWS}(?:\|{LABEL}\|)? ({IDENT})$")
CLASSDEF = re.compile(rf"^ *classDef ({IDENT}) [a-z0-9:#,. -]+$")
CLASS = re.compile(rf"^ *class ({IDENT}(?:,{IDENT})*) ({IDENT})$")
LINKSTYLE = re.compile(r"^ *linkStyle ([0-9]+(?:,[0-9]+)*) [a-z0-9:#,. -]+$")
COMMENT = re.compile(r"^ *%% [A-Za-z0-9 :,]*$")
KEYWORDS = {"end", "subgraph", "graph", "flowchart", "class", "classDef", "click", "style",
            "linkStyle", "direction", "default"}


def decode(label):
    label = label.replace("<br>", " / ").replace("#quot;", '"')
    return re.sub(r"#([0-9]+);", lambda m: chr(int(m.group(1))), label)


def fail(number, line, why):
    print(f"line {number}: {why}: {line!r}")
    sys.exit(1)


def check(path, show_labels):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if not text.endswith("\n"):
        fail(0, text[-40:], "no newline at the end")
    lines = text.split("\n")[:-1]
    if not lines or lines[0] != "flowchart LR":
        fail(1, lines[0] if lines else "", 'expected "flowchart LR" first')
    declared, subgraphs, labels = set(), set(), []
    edges, classed, styled = [], [], []
    depth = 0
    for number, line in enumerate(lines[1:], start=2):
        if COMMENT.match(line):
            continue
        m = SUBGRAPH.match(line)
        if m:
            if m.group(1) in declared | subgraphs or m.group(1) in KEYWORDS:
                fail(number, line, "subgraph ID declared twice or a keyword")
            subgraphs.add(m.group(1))
            labels.append(m.group(2))
            depth += 1
            continue
        if line.strip() == "end":
            depth -= 1
            if depth < 0:
                fail(number, line, "end without subgraph")
            continue
        m = EDGE.match(line)
        if m:
            edges.append((number, line, m.group(1), m.group(3)))
            if m.group(2) is not None:
                labels.append(m.group(2))
            continue
        node = next((r.match(line) for r in NODE if r.match(line)), None)
        if node:
            if node.group(1) in declared | subgraphs or node.group(1) in KEYWORDS:
                fail(number, line, "node ID declared twice or a keyword")
            declared.add(node.group(1))
            labels.append(node.group(2))
            continue
        m = CLASSDEF.match(line)
        if m:
            continue
        m = CLASS.match(line)
        if m:
            classed.extend((number, line, n) for n in m.group(1).split(","))
            continue
        m = LINKSTYLE.match(line)
        if m:
            styled.extend((number, line, int(i)) for i in m.group(1).split(","))
            continue
        fail(number, line, "not a line of a flowchart as sgplan writes it")
    if depth != 0:
        fail(len(lines), lines[-1], "unbalanced subgraphs")
    for number, line, a, b in edges:
        for end in (a, b):
            if end not in declared:
                fail(number, line, f"edge end {end} not declared")
    for number, line, n in classed:
        if n not in declared:
            fail(number, line, f"class of {n}, not declared")
    for number, line, i in styled:
        if i >= len(edges):
            fail(number, line, f"linkStyle {i}: there are {len(edges)} edges")
    if show_labels:
        for label in labels:
            print(decode(label))
    else:
        print(f"nodes {len(declared)} edges {len(edges)} subgraphs {len(subgraphs)}")


if __name__ == "__main__":
    args = sys.argv[1:]
    show = "--labels" in args
    args = [a for a in args if a != "--labels"]
    if len(args) != 1:
        print("usage: graph-check.py [--labels] FILE", file=sys.stderr)
        sys.exit(2)
    check(args[0], show)
