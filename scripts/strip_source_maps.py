"""Remove the source-map comments (`//# sourceMappingURL=...`, `/*# sourceMappingURL=... */`) from
vendored JavaScript and CSS files, in place.

Why: the upstream builds name source maps that static/vendor/ does not hold, and the production
static storage (ManifestStaticFilesStorage, via whitenoise) rewrites every file a JavaScript or CSS
file references: a reference to a missing `.map` stops `collectstatic`, so the image cannot build.
Run by scripts/vendor.sh on what it copies from node_modules; stdlib only.

    python3 scripts/strip_source_maps.py FILE...
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# A whole line that is only the comment, with the line break before it (the file keeps its end).
SOURCE_MAP_COMMENT = re.compile(
    r"(?:\r?\n|\A)[ \t]*(?://[#@][ \t]*sourceMappingURL=[^\r\n]*"
    r"|/\*[#@][ \t]*sourceMappingURL=[^\r\n]*?\*/)[ \t]*(?=\r?\n|\Z)"
)


def strip(text: str) -> str:
    return SOURCE_MAP_COMMENT.sub("", text)


def main(paths: list[str]) -> int:
    for name in paths:
        path = Path(name)
        text = path.read_text(encoding="utf-8")
        stripped = strip(text)
        if stripped != text:
            path.write_text(stripped, encoding="utf-8")
            print(f"{path}: source-map comment removed", file=sys.stderr)
        if "sourceMappingURL" in stripped:
            print(f"{path}: a sourceMappingURL is left (not a whole-line comment)", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
