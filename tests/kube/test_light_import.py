"""Loading a cluster imports only the parts of the kubernetes client meshtui uses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
from meshtui.sim.apiserver import write_kubeconfig
write_kubeconfig(sys.argv[1], "https://127.0.0.1:1")
from meshtui.kube.config import load_cluster
cluster = load_cluster(sys.argv[1], None)
skipped = [m for m in ("kubernetes.dynamic", "kubernetes.stream", "kubernetes.watch",
                       "kubernetes.leaderelection", "kubernetes.utils.create_from_yaml")
           if m in sys.modules]
print("loaded:", skipped)
import importlib.metadata
import kubernetes
from kubernetes import config, watch
assert kubernetes.__version__ == importlib.metadata.version("kubernetes"), kubernetes.__version__
assert callable(config.load_kube_config) and watch.Watch
from kubernetes.utils import parse_quantity
assert parse_quantity("1Ki") == 1024
try:
    kubernetes.no_such_thing
except AttributeError:
    print("ok")
"""


def test_load_cluster_skips_the_unused_client_parts_and_the_rest_still_imports(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "kubeconfig")],
                          capture_output=True, text=True, cwd=REPO, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == ["loaded: []", "ok"]


def test_an_already_imported_client_is_left_alone(tmp_path: Path) -> None:
    script = ("import kubernetes, sys\n"
              "from meshtui.kube.config import import_client_lightly\n"
              "import_client_lightly()\n"
              "assert sys.modules['kubernetes'] is kubernetes and 'kubernetes.dynamic' in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=REPO, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
