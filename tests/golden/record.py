#!/usr/bin/env python3
"""Helpers for record.sh.

  record.py split CORPUS            -> one JSON string per corpus entry, on stdout
  record.py entry INPUT OUT ERR RC  -> one recorded.jsonl object, on stdout

An entry is one console line. Blank lines and lines starting with '#' (section
headers) are not entries. A line ending in a backslash continues on the next
line, and a heredoc (`<<EOF`, `<<'EOF'`, `<<-EOF`; not `<<<`) continues up to its
terminator line; the entry's input then holds all its lines joined by newlines.
Output that is not valid UTF-8 (-w protobuf) is also given exactly, base64-encoded,
in "stdout_base64" / "stderr_base64".
"""
import base64
import json
import re
import sys

HEREDOC = re.compile(r"(?<!<)<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1(?!<)")


def split(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    entries = []
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [line]
        while parts[-1].endswith("\\") and i < len(lines):
            parts.append(lines[i])
            i += 1
        m = HEREDOC.search(parts[-1]) if "<<<" not in parts[-1] else None
        if m:
            word = m.group(2)
            strip_tabs = parts[-1][m.start() : m.start() + 3] == "<<-"
            while i < len(lines):
                parts.append(lines[i])
                i += 1
                body = parts[-1].lstrip("\t") if strip_tabs else parts[-1]
                if body == word:
                    break
            else:
                sys.exit(f"record.py: heredoc {word!r} not terminated in {path}")
        entries.append("\n".join(parts))
    for e in entries:
        print(json.dumps(e))


def entry(inp, out, err, rc):
    def read(p):
        with open(p, "rb") as f:
            return f.read()

    rec = {"input": inp}
    for name, path in (("stdout", out), ("stderr", err)):
        raw = read(path)
        try:
            rec[name] = raw.decode("utf-8")
        except UnicodeDecodeError:
            # Binary output (-w protobuf): a readable rendition, and the exact bytes.
            rec[name] = raw.decode("utf-8", errors="backslashreplace")
            rec[name + "_base64"] = base64.b64encode(raw).decode("ascii")
    rec["exit"] = int(rc)
    print(json.dumps(rec, ensure_ascii=False))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "split":
        split(sys.argv[2])
    elif len(sys.argv) == 6 and sys.argv[1] == "entry":
        entry(*sys.argv[2:])
    else:
        sys.exit(__doc__)
