"""Print uv's pinned requirement with every hash uv.lock records, for `pip --require-hashes`.

uv installs everything else from uv.lock; this is how uv itself comes from the same lock.
"""

import sys
import tomllib
from pathlib import Path

lock = tomllib.loads((Path(__file__).resolve().parent.parent / "uv.lock").read_text())
(uv,) = (package for package in lock["package"] if package["name"] == "uv")
hashes = [wheel["hash"] for wheel in uv.get("wheels", [])]
if "sdist" in uv:
    hashes.append(uv["sdist"]["hash"])
sys.stdout.write(f"uv=={uv['version']} " + " ".join(f"--hash={h}" for h in hashes) + "\n")
