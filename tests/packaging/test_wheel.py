"""The built wheel and sdist hold every file meshtui reads at run time, and the wheel installed in
a fresh virtual environment runs: ``meshtui --version``, ``meshtui demo --help``, and ``meshtui get
splits`` against ``meshtui sim`` (also started from the wheel), from a directory outside the tree.

The venv borrows the dependencies of the environment running the tests (a ``.pth`` naming its
site-packages: CI's ``.venv`` or the system's), so the install needs no package index; the build
itself fetches setuptools like any ``python -m build``.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from meshtui import __version__
from tests.waiting import terminate, wait_for

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
DATA_PATTERNS = ("**/*.tcss", "sim/scenarios/*.yaml", "sim/plans/*.yaml")
"""Files the package reads at run time besides its modules (pyproject's package-data)."""


def _data_files() -> set[str]:
    package = ROOT / "meshtui"
    found = {str(p.relative_to(ROOT)) for pattern in DATA_PATTERNS for p in package.glob(pattern)}
    assert found, "no data files found: the patterns are wrong"
    return found


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel and sdist ``python -m build`` makes of this tree."""
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                           capture_output=True, text=True, timeout=540)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def venv(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed (its dependencies from the system's site-packages)."""
    where = tmp_path_factory.mktemp("venv") / "v"
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True, timeout=120)
    site = subprocess.run([str(where / "bin" / "python"), "-c",
                           "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True, timeout=60).stdout.strip()
    # A path line of a .pth is no site directory: the editable meshtui of the running
    # environment (its own .pth finder) stays out, its dependencies come in.
    ours = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    (Path(site) / "meshtui_test_dependencies.pth").write_text("".join(f"{p}\n" for p in ours))
    wheel = next(dist.glob("meshtui-*.whl"))
    # --ignore-installed: an editable meshtui in the system's site-packages must not count as
    # the wheel being installed already.
    installed = subprocess.run([str(where / "bin" / "pip"), "install", "--no-index",
                                "--no-deps", "--ignore-installed", "-q", str(wheel)],
                               capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    return where


def test_wheel_and_sdist_hold_every_data_file(dist: Path) -> None:
    wheel = next(dist.glob(f"meshtui-{__version__}-*.whl"))
    sdist = next(dist.glob(f"meshtui-{__version__}.tar.gz"))
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    with tarfile.open(sdist) as archive:
        in_sdist = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    expected = _data_files()
    assert expected <= in_wheel, sorted(expected - in_wheel)
    assert expected <= in_sdist, sorted(expected - in_sdist)
    assert "meshtui/sim/plans/canary-basic.yaml" in expected


def _run(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(venv / "bin" / "meshtui"), *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_the_installed_wheel_imports_from_the_venv_and_its_dependencies_are_met(
        venv: Path, tmp_path: Path) -> None:
    check = ("import importlib.metadata as m, meshtui\n"
             "from packaging.requirements import Requirement\n"
             "print(meshtui.__file__)\n"
             "for text in m.requires('meshtui') or []:\n"
             "    r = Requirement(text)\n"
             "    if r.marker and not r.marker.evaluate({'extra': ''}):\n"
             "        continue\n"
             "    have = m.version(r.name)\n"
             "    assert r.specifier.contains(have, prereleases=True), (text, have)\n")
    done = subprocess.run([str(venv / "bin" / "python"), "-c", check], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(str(venv)), done.stdout


def test_version_and_demo_help_from_the_wheel(venv: Path, tmp_path: Path) -> None:
    version = _run(venv, "--version", cwd=tmp_path)
    assert (version.returncode, version.stdout.strip()) == (0, f"meshtui {__version__}")
    for program in ("kubectl-meshtui", "kubectl_complete-meshtui"):
        assert (venv / "bin" / program).is_file(), program
    demo = _run(venv, "demo", "--help", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert "--scenario" in demo.stdout


@pytest.fixture
def wheel_sim(venv: Path, tmp_path: Path) -> Iterator[Path]:
    """``meshtui sim`` of the installed wheel; yields its kubeconfig."""
    kubeconfig = tmp_path / "sim.kubeconfig"
    proc = subprocess.Popen([str(venv / "bin" / "meshtui"), "sim", "--no-prometheus",
                             "--kubeconfig-out", str(kubeconfig)], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: kubeconfig.exists() or proc.poll() is not None, timeout=60,
                 message="the wheel's meshtui sim to write its kubeconfig")
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        yield kubeconfig
    finally:
        terminate(proc)


def test_get_splits_from_the_wheel_against_its_sim(venv: Path, wheel_sim: Path,
                                                   tmp_path: Path) -> None:
    listed = _run(venv, "get", "splits", "-A", "--kubeconfig", str(wheel_sim), cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = listed.stdout.strip().splitlines()
    assert rows[0].split()[:3] == ["NAMESPACE", "KIND", "NAME"]
    assert {row.split()[2] for row in rows[1:]} >= {"authors-split"}
    assert len(rows) == 5, listed.stdout
