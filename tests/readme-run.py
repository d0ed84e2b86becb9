#!/usr/bin/python3
"""readme-run.py README: run the commands of README.md's journey as written.

The journey is the part of README.md between the lines `<!-- journey -->`
and `<!-- /journey -->`.  In its ```console blocks, a line `$ COMMAND` is
run with bash in the current folder (one shell per command; the environment
is the caller's), and the lines after it, up to the next `$ ` line or the
end of the block, are an excerpt of what it prints (standard output, then
standard error): whole lines, consecutive and from the first line of the
output on, except where `...` stands for any number of lines; an excerpt may
end before the output does.  A command must exit 0, unless the
excerpt ends with `[exit N]`.  Blocks of other kinds (```sh) are prose: not
run.  Prints TAP, one test per command; exit status 1 if any failed.
"""
import re
import subprocess
import sys


def commands(text):
    """(line number, command, expected lines, exit code) in journey order."""
    m = re.search(r"^<!-- journey -->\n(.*?)^<!-- /journey -->$", text, re.S | re.M)
    if m is None:
        raise SystemExit("readme-run.py: no <!-- journey --> ... <!-- /journey --> in README")
    first = text[: m.start(1)].count("\n") + 1
    out, block, current = [], None, None
    for n, line in enumerate(m.group(1).split("\n"), first):
        if block is None:
            if line.startswith("```"):
                block = line[3:].strip()
            continue
        if line.startswith("```"):
            block, current = None, None
            continue
        if block != "console":
            continue
        if line.startswith("$ "):
            current = [n, line[2:], [], 0]
            out.append(current)
        elif current is None:
            raise SystemExit(f"README.md:{n}: output before any '$ ' command")
        elif re.fullmatch(r"\[exit \d+\]", line):
            current[3] = int(line[6:-1])
        else:
            current[2].append(line)
    return out


def matches(expected, actual):
    """The excerpt EXPECTED in ACTUAL: its lines are consecutive lines of the
    output, from the first one on, except where '...' leaves lines out (any
    number); an excerpt may end before the output does.  Returns the first
    expected line not found where it should be, or None."""
    chunks, chunk = [], []
    for line in expected:
        if line == "...":
            chunks.append(chunk)
            chunk = []
        else:
            chunk.append(line)
    chunks.append(chunk)
    i = 0
    for n, chunk in enumerate(chunks):
        if not chunk:
            continue
        # the first chunk is anchored at the start unless '...' precedes it
        last = i if n == 0 else len(actual) - len(chunk)
        for start in range(i, last + 1):
            if actual[start:start + len(chunk)] == chunk:
                i = start + len(chunk)
                break
        else:
            return chunk[0]
    return None


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    cmds = commands(text)
    print(f"1..{len(cmds)}")
    failed = 0
    for i, (n, cmd, expected, code) in enumerate(cmds, 1):
        p = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True)
        actual = (p.stdout + p.stderr).split("\n")
        problem = None
        if p.returncode != code:
            problem = f"exit {p.returncode}, README says {code}"
        else:
            missing = matches(expected, actual)
            if missing is not None:
                problem = f"not in the output where README shows it: {missing!r}"
        if problem is None:
            print(f"ok {i} - README.md:{n}: {cmd}")
        else:
            failed += 1
            print(f"not ok {i} - README.md:{n}: {cmd}")
            print(f"# {problem}")
            for line in actual[:80]:
                print(f"#   {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
