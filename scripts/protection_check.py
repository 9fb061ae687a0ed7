"""Mutation check: remove each security protection once, and its tests must fail.

For every entry of ``scripts/protections.py`` the script copies the working tree (tracked and
uncommitted changes alike, without .venv/.git) to a temporary directory, replaces the
protection's original text (which must be found exactly once) and runs the entry's tests there
with this virtualenv's Python (imports are checked to resolve to the copy). The row is

- PASS  the tests failed: the protection is covered;
- GAP   the tests stayed green: write the missing test;
- ERROR pytest could not run them (collection error, timeout…): look at the log.

A baseline run of every named test on an unmodified copy comes first: a test that fails
without any mutation would make every row meaningless. Exit status 0 only when every row is
PASS.

    .venv/bin/python scripts/protection_check.py              # everything (several minutes)
    .venv/bin/python scripts/protection_check.py --check      # the patches still apply (fast)
    .venv/bin/python scripts/protection_check.py --only csrf-check --only csp-header -v
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from protections import MUTATIONS, Mutation
from protections_totp import TOTP_MUTATIONS

MUTATIONS = [*MUTATIONS, *TOTP_MUTATIONS]

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
if not PYTHON.exists():  # another virtualenv: the one running this script
    PYTHON = Path(sys.executable)
EXCLUDE = [
    ".venv",
    ".git",
    "__pycache__",
    "*.sqlite",
    "*.sqlite-wal",
    "*.sqlite-shm",
    "instance",
    "test-artifacts",
    "node_modules",
    ".ruff_cache",
    ".pytest_cache",
    "bench/results",
]
TIMEOUT = 1200


def problems(root: Path = ROOT, mutations=MUTATIONS) -> list[str]:
    """What prevents a mutation from being applied or its tests from being found."""
    out, names = [], set()
    for m in mutations:
        if m.name in names:
            out.append(f"{m.name}: duplicate name")
        names.add(m.name)
        for rel, original, replacement in m.patches:
            path = root / rel
            text = path.read_text(encoding="utf-8") if path.is_file() else None
            if text is None:
                out.append(f"{m.name}: {rel} does not exist")
            elif (n := text.count(original)) != 1:
                out.append(f"{m.name}: original text found {n} times in {rel}: {original!r}")
            if original == replacement:
                out.append(f"{m.name}: the replacement changes nothing")
        if not m.tests:
            out.append(f"{m.name}: no test named")
        for node in m.tests:
            file, _, func = node.partition("::")
            test_file = root / file
            if not test_file.is_file():
                out.append(f"{m.name}: test file {file} does not exist")
            elif func and not re.search(rf"^def {re.escape(func)}\(", test_file.read_text(), re.M):
                out.append(f"{m.name}: no test {func} in {file}")
    return out


def copy_tree(dest: Path) -> None:
    args = ["rsync", "-a", "--delete", *(f"--exclude={e}" for e in EXCLUDE)]
    subprocess.run([*args, f"{ROOT}/", f"{dest}/"], check=True)


def apply(m: Mutation, root: Path) -> None:
    for rel, original, replacement in m.patches:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert text.count(original) == 1, f"{m.name}: original text not found in {rel}"
        path.write_text(text.replace(original, replacement), encoding="utf-8")


def _env(root: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKSPACE_TEST_")}
    env.pop("PYTEST_ADDOPTS", None)
    return env | {"PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"}


def check_imports(root: Path) -> None:
    """The copy's packages, not the editable install of the real tree, must be imported."""
    code = "import workspace, plugins, tests; print(workspace.__file__, *plugins.__path__)"
    out = subprocess.run(
        [str(PYTHON), "-c", code], cwd=root, env=_env(root), capture_output=True, text=True
    )
    paths = out.stdout.split()
    if out.returncode or not paths or not all(p.startswith(str(root)) for p in paths):
        raise SystemExit(f"imports do not resolve to the copy {root}: {out.stdout}{out.stderr}")


def run_tests(root: Path, tests, stop_first: bool) -> tuple[int, str]:
    cmd = [str(PYTHON), "-m", "pytest", *tests, "-q", "-n", "0", "-p", "no:cacheprovider"]
    cmd += ["-x"] if stop_first else []
    try:
        done = subprocess.run(
            cmd, cwd=root, env=_env(root), capture_output=True, text=True, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired as exc:
        return -1, f"timeout after {TIMEOUT}s\n{exc.stdout or ''}"
    return done.returncode, done.stdout + done.stderr


def verdict(code: int) -> str:
    # pytest: 0 all passed, 1 some failed; 2 interrupted, 3 internal, 4 usage, 5 nothing ran.
    return {0: "GAP", 1: "PASS"}.get(code, "ERROR")


def check_one(m: Mutation, workdir: Path) -> tuple[str, float, str]:
    start = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix=f"{m.name}-", dir=workdir))
    try:
        copy_tree(root)
        check_imports(root)
        apply(m, root)
        code, log = run_tests(root, m.tests, stop_first=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return verdict(code), time.monotonic() - start, log


def baseline(mutations, workdir: Path) -> tuple[int, str]:
    root = Path(tempfile.mkdtemp(prefix="baseline-", dir=workdir))
    try:
        copy_tree(root)
        check_imports(root)
        tests = sorted({t for m in mutations for t in m.tests})
        return run_tests(root, tests, stop_first=False)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only check the patches apply")
    parser.add_argument("--list", action="store_true", help="list the protections and exit")
    parser.add_argument("--only", action="append", default=[], help="one protection (repeat)")
    parser.add_argument("--jobs", type=int, default=2, help="mutations run in parallel")
    parser.add_argument("--no-baseline", action="store_true", help="skip the unmutated run")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the pytest logs")
    args = parser.parse_args(argv)
    mutations = [m for m in MUTATIONS if not args.only or m.name in args.only]
    if args.only and len(mutations) != len(set(args.only)):
        parser.error(f"unknown protection in {args.only}")
    if args.list:
        for m in mutations:
            print(f"{m.name:32} {m.path:30} {', '.join(m.tests)}")
        return 0
    if found := problems(mutations=mutations):
        print("The protection list no longer matches the code:", *found, sep="\n  ")
        return 2
    if args.check:
        print(f"{len(mutations)} protections, every original text found once.")
        return 0
    with tempfile.TemporaryDirectory(prefix="protection-check-") as tmp:
        workdir = Path(tmp)
        if not args.no_baseline:
            code, log = baseline(mutations, workdir)
            if code != 0:
                print(log[-6000:], "\nBaseline: the named tests fail WITHOUT any mutation.")
                return 2
            print("Baseline: every named test passes on the unmodified tree.", flush=True)
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            results = list(pool.map(lambda m: (m, *check_one(m, workdir)), mutations))
    width = max(len(m.name) for m in mutations)
    print(f"\n{'protection':{width}}  result  time  file → tests")
    for m, result, seconds, log in results:
        where = m.path + (f" (+{len(m.also)} more)" if m.also else "")
        print(f"{m.name:{width}}  {result:6} {seconds:4.0f}s  {where} → {', '.join(m.tests)}")
        if args.verbose or result == "ERROR":
            print("    " + "\n    ".join(log.strip().splitlines()[-15:]))
    bad = [m.name for m, result, *_ in results if result != "PASS"]
    print(
        f"\n{len(results) - len(bad)}/{len(results)} protections covered."
        + (f" Not covered: {', '.join(bad)}" if bad else "")
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
