"""miner as `pip install` gives it: the wheel built from this checkout holds every module and
every SQL file, and the installed package rebuilds a warehouse with no checkout beside it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_the_wheel_holds_every_module_and_query_and_rebuilds_without_the_checkout(
    tmp_path: Path,
) -> None:
    # built from a copy, offline (no build isolation: the dev install has setuptools), so the
    # checkout gets no build/ folder
    source = tmp_path / "source"
    for name in ("miner", "queries"):
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path / "dist"), str(source)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("miner-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(REPO).as_posix() for p in (REPO / "miner").rglob("*.py")}
    queries = {"miner/" + p.relative_to(REPO).as_posix() for p in (REPO / "queries").rglob("*.sql")}
    assert len(queries) > 50
    assert modules - names == set()
    assert queries - names == set()

    # installed (the wheel unpacked onto the path first), far from the checkout
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = (
        "import sys\n"
        "from miner.config import Config\n"
        "from miner.sql_files import QUERIES_DIR\n"
        "from miner.transform import rebuild\n"
        "from miner.warehouse import Warehouse\n"
        "with Warehouse.open('w.duckdb') as wh:\n"
        "    rebuild(wh, Config())\n"
        '    views = wh.query("select count(*) from duckdb_views() where not internal")\n'
        "print(QUERIES_DIR)\n"
        "print(views[0][0])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
        text=True,
    )
    where, views = done.stdout.split()
    assert Path(where) == site / "miner" / "queries"
    assert int(views) == len(list((REPO / "queries" / "metrics").glob("*.sql")))
