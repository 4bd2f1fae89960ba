"""Writes the issue 16 sample files to a folder, for importing through /registry/imports:
2,000 KRS extracts (JSON lines, with 6 invalid rows), a REGON (BIR) XML export of 300 of them plus
50 outside KRS, and three departments' lists (CSV, XLSX, CSV) overlapping each other and KRS, with
rows typed without identifiers and misspelled, and invalid rows.

    .venv/bin/python -m bench.registry_samples OUT_DIR
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grants.registry import samples  # noqa: E402


def write(out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    orgs = samples.organisations(2100)
    files = {"krs": out / "krs-odpisy.jsonl", "regon": out / "regon-bir.xml", "WSS": out / "wss.csv",
             "WK": out / "wk.xlsx", "WE": out / "we.csv"}
    files["krs"].write_bytes(samples.krs_jsonl(orgs[:2000], bad=6))
    files["regon"].write_bytes(samples.regon_xml(orgs[:300] + orgs[2000:2050]))
    files["WSS"].write_bytes(samples.department_csv(samples.department_rows(orgs[0:120], seed=1)))
    files["WK"].write_bytes(samples.department_xlsx(samples.department_rows(orgs[100:220], seed=2)))
    files["WE"].write_bytes(samples.department_csv(samples.department_rows(orgs[2040:2100], seed=3)))
    return files


if __name__ == "__main__":
    for kind, path in write(Path(sys.argv[1] if len(sys.argv) > 1 else "samples")).items():
        print(kind, path)
