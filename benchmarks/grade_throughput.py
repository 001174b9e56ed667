"""Measure batch-grading throughput: N copies of a correct submission, --jobs 1 vs --jobs 2.

Usage (from the repository root)::

    .venv/bin/python benchmarks/grade_throughput.py            # fixture exercise, 50 copies
    .venv/bin/python benchmarks/grade_throughput.py --copies 20 --jobs 1 2 4
    .venv/bin/python benchmarks/grade_throughput.py --exercise-root exercises --exercise ex-01

The correct submission is the released solution notebook. Results are printed and saved as
JSON in benchmarks/results/grade_throughput.json (with the machine's load average, since
other work on the machine changes the numbers a lot).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=50)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--exercise", default="fixture-ex")
    ap.add_argument("--exercise-root", type=Path, default=ROOT / "tests" / "fixtures" / "exercises")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--unsafe", action="store_true", help="grade without the sandbox (measures its cost)")
    ap.add_argument("--save", type=Path, default=ROOT / "benchmarks" / "results" / "grade_throughput.json")
    args = ap.parse_args()

    from ctmodule.cli import main as cli
    from ctmodule.grading import release, sandbox

    results = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "platform": platform.platform()},
               "exercise": args.exercise, "copies": args.copies,
               "sandbox": "off (--unsafe)" if args.unsafe else sandbox.probe()["reason"], "runs": []}
    with tempfile.TemporaryDirectory(prefix="ctbench-") as tmp:
        tmp = Path(tmp)
        t = time.monotonic()
        release.release([args.exercise], tmp / "rel", root=args.exercise_root.resolve(), run_tests=False,
                        log=lambda m: None)
        results["release_seconds"] = round(time.monotonic() - t, 1)
        solution = tmp / "rel" / args.exercise / "autograder" / f"{args.exercise}-solution.ipynb"
        subs = tmp / "subs"
        subs.mkdir()
        for i in range(args.copies):
            shutil.copyfile(solution, subs / f"student{i:03d}.ipynb")
        for jobs in args.jobs:
            out = tmp / f"grades-{jobs}.csv"
            load0 = os.getloadavg()[0]
            t = time.monotonic()
            argv = ["grade", args.exercise, str(subs), "--out", str(out), "--release", str(tmp / "rel"),
                    "--jobs", str(jobs), "--timeout", str(args.timeout)]
            if args.unsafe:
                argv.append("--unsafe")
            code = cli(argv)
            wall = time.monotonic() - t
            rows = list(csv.DictReader(out.open(encoding="utf-8")))
            ok_full = sum(r["status"] == "ok" and r["score"] == r["max_score"] for r in rows)
            per_sub = sorted(float(r["seconds"]) for r in rows)
            run = {"jobs": jobs, "exit_code": code, "seconds": round(wall, 1),
                   "per_minute": round(len(rows) / wall * 60, 1), "full_marks": ok_full, "rows": len(rows),
                   "median_seconds_per_submission": per_sub[len(per_sub) // 2],
                   "load_average_before": round(load0, 2), "load_average_after": round(os.getloadavg()[0], 2)}
            results["runs"].append(run)
            print(json.dumps(run), flush=True)
    args.save.parent.mkdir(parents=True, exist_ok=True)
    args.save.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"saved {args.save}", file=sys.stderr)
    return 0 if all(r["full_marks"] == r["rows"] for r in results["runs"]) else 1


if __name__ == "__main__":
    sys.exit(main())
