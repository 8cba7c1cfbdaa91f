#!/usr/bin/env python3
"""Regenerate crates/ctl/src/help/etcdctl.txt: etcdctl's usage text for every command.

  python3 crates/ctl/tools/gen_help.py

Runs the locally installed etcdctl 3.4.23 (`etcdctl <cmd> --help`, no server needed),
turns each text into 3.5's with tests/golden/make_overrides.py's `help35`, adds what
3.5 has and 3.4 lacks (auth status), and writes one section per command:
`@@ <command path>` followed by the usage text. The console parses the flag specs
(name, shorthand, type, default) from the OPTIONS lines, so help and parser agree.
"""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "golden"))
from make_overrides import help35, retab  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "src" / "help" / "etcdctl.txt"


def run(args):
    p = subprocess.run(["etcdctl"] + args + ["--help"], capture_output=True, text=True)
    return p.stdout


def commands():
    root = run([])
    names = []
    sec = False
    for line in root.split("\n"):
        if line == "COMMANDS:":
            sec = True
            continue
        if sec:
            if not line.startswith("\t"):
                break
            names.append(line.strip().split("\t")[0])
    return names


def main():
    sections = [("", help35(run([])))]
    seen = set()
    for name in commands():
        if name.startswith("completion") or name == "migrate":
            continue
        parts = name.split(" ")
        if len(parts) == 2 and parts[0] not in seen:
            seen.add(parts[0])
            sections.append((parts[0], help35(run([parts[0]]))))
        sections.append((name, help35(run(parts))))
    # auth status exists in 3.5 only: derive it from auth enable's text.
    enable = dict(sections)["auth enable"]
    status = enable.replace("auth enable - Enables authentication", "auth status - Returns authentication status")
    status = status.replace("etcdctl auth enable [flags]", "etcdctl auth status [flags]")
    status = status.replace("help for enable", "help for status")
    sections.append(("auth status", retab(status)))
    with OUT.open("w") as f:
        for name, text in sections:
            f.write("@@ " + name + "\n" + text)
    print("wrote", OUT, len(sections), "sections")


if __name__ == "__main__":
    main()
