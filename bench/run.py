"""Command line of the benchmark suite: run the scenarios, print the table, update docs/benchmarks.md.

    python -m bench [--quick] [--scenario NAME ...] [--write | --no-write]
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
from pathlib import Path

from .bots import ROOT, processing_settings
from .report import render, revision, write_doc
from .scenarios import SCENARIOS, Result, Setup, ceiling

DOC = ROOT / "docs" / "benchmarks.md"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a short smoke run (smaller workloads)")
    parser.add_argument("--scenario", action="append", choices=sorted(SCENARIOS), metavar="NAME",
                        help=f"run only this scenario (repeatable): {', '.join(SCENARIOS)}")
    parser.add_argument("--repeat", type=int, default=None, metavar="N",
                        help="rounds of echo and blocking, keeping each bot's fastest (default: 3, --quick: 1)")
    parser.add_argument("--write", action=argparse.BooleanOptionalAction, default=None,
                        help=f"update {DOC.relative_to(ROOT)} (default: only for a full run)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen scenarios; return 0 if every target was met, else 1."""
    args = parse_args(argv)
    started = time.monotonic()
    names = args.scenario or list(SCENARIOS)
    processing, code = processing_settings(), revision()
    repeat = args.repeat or (1 if args.quick else 3)
    print(f"Runner config: processing: {processing}; load average {os.getloadavg()[0]:.2f}")
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="scaletg-bench-") as workdir:
        setup = Setup(args.quick, processing, Path(workdir), repeat)
        for name in names:
            print(f"== {name} ...", flush=True)
            scenario_started = time.monotonic()
            results.append(SCENARIOS[name](setup))
            print(f"   done in {time.monotonic() - scenario_started:.1f} s", flush=True)
    limit = ceiling(1.0 if args.quick else 2.0)
    seconds = time.monotonic() - started
    print()
    print(render(results, limit))
    load = os.getloadavg()[0]
    print(f"\nTotal: {seconds:.0f} s; load average now {load:.2f}")
    if args.write or (args.write is None and not args.quick and not args.scenario):
        command = shlex.join(["python", "-m", "bench", *(sys.argv[1:] if argv is None else argv)])
        write_doc(DOC, results, limit, command, processing, seconds, load, code)
        print(f"Wrote {DOC.relative_to(ROOT)}")
    return 0 if all(ok for result in results for _, ok in result.targets) else 1
