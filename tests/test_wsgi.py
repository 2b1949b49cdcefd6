"""The WSGI entry point that gunicorn imports in each worker."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# In a fresh interpreter: import the entry point as gunicorn does, then report what the collector
# is left to walk in a full collection, beside what was frozen.
PROBE = """
import gc, json
import wsgi
print(json.dumps({"frozen": gc.get_freeze_count(), "walked": len(gc.get_objects())}))
"""


def test_what_starting_made_is_left_out_of_full_collections(tmp_path: Path) -> None:
    """After `import wsgi`, the objects of the start are frozen and a full collection walks few.

    Unfrozen, each full collection walked all of them inside a request (73 ms of CPU measured on
    the bench machine, the vote's worst p99 stalls); the test counts objects, not time.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "YOUTHVOICE_CONFIG")}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    assert counts["frozen"] > 50_000  # the app's start really is that large: the freeze is what matters
    assert counts["walked"] < counts["frozen"] // 100
