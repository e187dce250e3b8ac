"""Fetch the pinned axe-core from the npm registry for the browser tests' accessibility check.

`make install` runs it: it downloads the package's tarball, checks it against the pinned
sha512 (the registry's `dist.integrity` for that version) and writes `axe.min.js` to
tests/e2e/vendor/ (ignored by git). No node or npm is needed.
"""

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "4.14.1"
INTEGRITY = ("sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe"
             "37OgudVGtQ==")
TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
TARGET = Path(__file__).parent / "vendor" / "axe.min.js"


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def install(target: Path = TARGET) -> None:
    with urllib.request.urlopen(TARBALL, timeout=60) as response:
        data = response.read()
    if integrity(data) != INTEGRITY:
        sys.exit(f"axe-core {VERSION}: the tarball from {TARBALL} does not match the pinned "
                 "sha512; nothing written")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tarball:
        script = tarball.extractfile("package/axe.min.js").read()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(script)
    partial.replace(target)  # never a half-written file that make would take as done
    print(f"axe-core {VERSION} -> {target}")


if __name__ == "__main__":
    install()
