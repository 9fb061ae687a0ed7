"""The README's benchmark summary, from the full results of ``bench/run.py``.

    .venv/bin/python bench/summary.py [bench/results/latest.md]

Prints the Markdown table the README keeps (the board against the floor and the targets),
with the date, machine and load average of the run.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETUPS = [("sqlite", "1"), ("postgresql", "1"), ("postgresql", "2 + Redis")]


def parse(text: str) -> tuple[dict, dict, list[str]]:
    """(http rows, realtime rows, header lines) of a results file."""
    http, realtime = {}, {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 10 and cells[0] in ("sqlite", "postgresql"):
            db, workers, page, c, _n, p50, p99, rps, _errors, _ratio = cells
            http[(db, workers, page, c)] = (float(p50), float(p99), float(rps))
        elif len(cells) == 8 and cells[0] in ("sqlite", "postgresql"):
            db, workers, html, idle, loaded, rt50, rt99, _lost = cells
            workers = "1" if workers == "1" else f"{workers} + Redis"
            realtime[(db, workers)] = (float(html), float(idle), float(loaded), rt50, rt99)
    header = [line[2:].split(": ", 1)[1] for line in text.splitlines() if line.startswith("- ")]
    return http, realtime, header


def table(text: str) -> str:
    http, realtime, header = parse(text)

    def row(label, fn, target=""):
        return f"| {label} | " + " | ".join(fn(*s) for s in SETUPS) + f" | {target} |"

    def ms(page, c, i=0):
        return lambda db, w: f"{http[(db, w, page, c)][i]:.1f} ms"

    def ratio(page, c):
        def cell(db, w):
            value, floor = http[(db, w, page, c)][0], http[(db, w, FLOOR, c)][0]
            return f"{value:.1f} ms ({value / floor:.2f}×)"

        return cell

    lines = [
        "**" + ", ".join(header[:2]) + "** (`bench/run.py`: GET pages loaded by `wrk` for 15 s "
        f"per cell, POSTs by 300 requests; load average at start {header[2].split(' (')[0]})",
        "",
        "| measure (500 tasks) | SQLite, 1 worker | PostgreSQL, 1 worker "
        "| PostgreSQL, 2 workers + Redis | target |",
        "|---|---:|---:|---:|---:|",
        row("floor page p50, c=1", ms(FLOOR, "1")),
        row("board page p50, c=1 (ratio to floor)", ratio("board page", "1"), "≤ 2×"),
        row(
            "board page req/s, c=8",
            lambda db, w: f"{http[(db, w, 'board page', '8')][2]:.0f}",
            "≥ 58",
        ),
        row("board page p99, c=8", ms("board page", "8", 1), "≤ 200 ms"),
        row("board page after a change p50, c=1 (ratio)", ratio("board page after a change", "1")),
        row("task move p50, c=1", ms("task move", "1")),
        row("board HTML", lambda db, w: f"{realtime[(db, w)][0]:.0f} kB", "≤ 350 kB"),
        row(
            "comment → 50 clients p50 / p99",
            lambda db, w: (
                f"{float(realtime[(db, w)][3]):.0f} / {float(realtime[(db, w)][4]):.0f} ms"
            ),
            "p99 < 100 ms",
        ),
        row(
            "server RSS idle / under 50 clients",
            lambda db, w: (
                f"{realtime[(db, w)][1]:.0f} / {realtime[(db, w)][2]:.0f} MB"
                + ("" if w == "1" else " (2 processes)")
            ),
            "< 200 MB per process",
        ),
    ]
    counts = re.search(r"^\| board \| (\d+) \| (\d+) \|", text, re.M)
    if counts:
        lines.append(
            f"| SQL statements per board page, 50 vs 2 000 tasks | {counts[1]} = {counts[2]} "
            "| | | equal |"
        )
    return "\n".join(lines)


FLOOR = "floor (bare Flask, 500 rows)"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench" / "results" / "latest.md"
    print(table(path.read_text()))


if __name__ == "__main__":
    main()
