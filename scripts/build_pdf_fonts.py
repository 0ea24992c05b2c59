"""Build the fonts the PDFs embed: "Rapport Sans SC", regular and bold, cut from the Noto Sans
CJK SC the system has (fontconfig finds it) down to what reports and decision logs use.

Why: WeasyPrint embeds a subset of each font a PDF uses, but keeps the glyph ids of the font it
was given, so a PDF that shows twenty characters of Noto Sans CJK (65,535 glyphs) still carries
tables sized for every glyph up to the highest one used: about 140 KB per font and weight, even for
an English report, and a tenth of a second to cut. These fonts hold Latin, punctuation, symbols
and the 6,763 hanzi of GB 2312, ordered so that Latin and punctuation come first and then the
hanzi by frequency class (GB 2312 level 1 before level 2): an English report then embeds a few
KB, a Chinese one a few tens of KB. A character outside them (a rare name) is drawn from the
system's Noto Sans CJK, which the stylesheet names next (common/pdf.py).

Run by `make` (the `fonts` target, before the tests), the Dockerfile, and `make run` in the
background (scripts/run.sh: the server does not wait for it; PDFs use the system's fonts until
these are ready); skipped when the fonts are up to date.
Noto Sans CJK is under the SIL Open Font License 1.1, which this derived font keeps.

    python scripts/build_pdf_fonts.py [--out DIR] [--force] [--strict]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
FAMILY = "Rapport Sans SC"
WEIGHTS = {"Regular": "Regular", "Bold": "Bold"}  # output style -> fontconfig style

# Latin, Greek-free Western punctuation and symbols, CJK punctuation and full-width forms.
BASE_RANGES = [
    (0x0020, 0x007E),
    (0x00A0, 0x017F),
    (0x2000, 0x206F),
    (0x20AC, 0x20AC),
    (0x2100, 0x21FF),
    (0x2460, 0x24FF),
    (0x25A0, 0x26FF),
    (0x3000, 0x303F),
    (0xFF00, 0xFFEF),
]


def base_codepoints() -> set[int]:
    return {cp for first, last in BASE_RANGES for cp in range(first, last + 1)}


def gb2312_hanzi() -> list[int]:
    """The hanzi of GB 2312 in its order: level 1 (the 3,755 most used) first, then level 2."""
    hanzi = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                hanzi.append(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return hanzi


class SourceMissing(Exception):
    pass


def source_font(style: str) -> tuple[Path, int]:
    """The file and face index of Noto Sans CJK SC in `style`, as fontconfig knows it."""
    pattern = f"Noto Sans CJK SC:style={style}"
    try:
        found = subprocess.run(  # noqa: S603
            ["fc-match", "--format=%{file}\n%{index}\n%{family}", pattern],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError) as error:
        raise SourceMissing(f"fontconfig's fc-match is not available ({error})") from error
    if len(found) < 3 or "Noto Sans CJK SC" not in found[2]:
        raise SourceMissing(f"Noto Sans CJK SC ({style}) is not installed (fonts-noto-cjk)")
    return Path(found[0]), int(found[1] or 0)


def build(source: Path, index: int, style: str, target: Path) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.reorderGlyphs import reorderGlyphs

    def cut(codepoints: set[int]) -> TTFont:
        font = TTFont(str(source), fontNumber=index)
        options = subset.Options()
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.desubroutinize = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints)
        subsetter.subset(font)
        return font

    base = base_codepoints()
    hanzi = gb2312_hanzi()
    # Latin and punctuation with every glyph their layout features reach, first.
    rank = {glyph: i for i, glyph in enumerate(cut(base).getGlyphOrder())}
    font = cut(base | set(hanzi))
    cmap = font.getBestCmap()
    for codepoint in hanzi:
        glyph = cmap.get(codepoint)
        if glyph is not None and glyph not in rank:
            rank[glyph] = len(rank)
    order = font.getGlyphOrder()
    position = {glyph: i for i, glyph in enumerate(order)}
    new_order = sorted(order, key=lambda g: (0, rank[g]) if g in rank else (1, position[g]))
    top = font["CFF "].cff.topDictIndex[0] if "CFF " in font else None
    fd_select = getattr(top, "FDSelect", None)
    fd_of = {glyph: fd_select.gidArray[i] for i, glyph in enumerate(order)} if fd_select else None
    reorderGlyphs(font, new_order)
    if fd_of is not None:  # a CID-keyed font: each glyph keeps its font dict
        fd_select.gidArray = [fd_of[glyph] for glyph in new_order]

    names = font["name"]
    full = FAMILY if style == "Regular" else f"{FAMILY} {style}"
    postscript = FAMILY.replace(" ", "") + "-" + style
    for record in list(names.names):
        if record.nameID in (1, 16):
            names.setName(FAMILY, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID in (4,):
            names.setName(full, 4, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 6:
            names.setName(postscript, 6, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 3:
            names.setName(
                f"{postscript};derived from {source.name}",
                3,
                record.platformID,
                record.platEncID,
                record.langID,
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and moved over it: a process reading the fonts (`make run` starts
    # the server while they are built) sees the old file or the new one, never half of one.
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(descriptor)
    try:
        font.save(temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def main() -> None:
    # Stopped (`make run` stops the build it started in the background when it exits): unwind,
    # so that no half-written file is left behind.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.environ.get("PDF_FONT_DIR", BASE_DIR / "build/fonts"))
    parser.add_argument("--force", action="store_true")
    parser.add_argument(
        "--strict", action="store_true", help="fail when Noto Sans CJK SC is missing"
    )
    args = parser.parse_args()
    out = Path(args.out)
    for style, fc_style in WEIGHTS.items():
        target = out / f"{FAMILY.replace(' ', '')}-{style}.otf"
        try:
            source, index = source_font(fc_style)
        except SourceMissing as missing:
            if args.strict:
                raise SystemExit(str(missing)) from missing
            print(
                f"{missing}: PDFs use the system's fonts (larger files, slower to render).",
                file=sys.stderr,
            )
            return
        newest_input = max(source.stat().st_mtime, Path(__file__).stat().st_mtime)
        if not args.force and target.exists() and target.stat().st_mtime >= newest_input:
            continue
        started = time.monotonic()
        build(source, index, style, target)
        print(
            f"{target.relative_to(out.parent) if out.parent in target.parents else target}: "
            f"{target.stat().st_size // 1024} KB in {time.monotonic() - started:.0f} s",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
