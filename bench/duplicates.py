"""Issue 19's figure: how many pairs of places in grants/, reviewers/ and budgets/ repeat six or more
lines of the same shape (the `duplicates` tool, over exactly those three folders as git sees them:
tracked files and untracked ones not ignored, as they are in the working tree).

    .venv/bin/python bench/duplicates.py [--most N] [--rev REV]

Prints the tool's summary line and its first rows. The tool reads one folder, so the three are copied
into a temporary folder first (the figure would otherwise count tests/ and migrations/ too)."""
from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("grants", "reviewers", "budgets")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--most", type=int, default=20)
    ap.add_argument("--rev", help="a commit to measure instead of the working tree (e.g. the one before a change)")
    args = ap.parse_args()
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", *FOLDERS], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.split()
    with tempfile.TemporaryDirectory(prefix="grants-dups-") as tmp:
        if args.rev:
            archive = subprocess.run(["git", "archive", args.rev, *FOLDERS], cwd=ROOT, check=True,
                                     capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
            files = []
        for f in files:
            src = ROOT / f
            if src.is_file():
                dst = Path(tmp) / f
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dst)
        out = subprocess.run(["duplicates", "--repo", tmp, "--most", str(args.most), "--seconds", "120"],
                             capture_output=True, text=True, check=False).stdout
    print(out.rstrip())


if __name__ == "__main__":
    main()
