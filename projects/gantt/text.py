"""Text measure for the Gantt: widths estimated from the characters (Latin letters, digits, CJK
ideographs), on the generous side (an estimate too wide wraps a name a little early or puts a
label outside a bar it might have fitted in, never cuts text), and wrapping to a width."""

from __future__ import annotations

import functools
import unicodedata

FONT_FAMILY = '"Rapport Sans SC", "Noto Sans CJK SC", "DejaVu Sans", sans-serif'
TEXT_SIZE = 12.0  # the table on the left
LABEL_SIZE = 11.0  # bar labels, ticks

# --- Text measure -------------------------------------------------------------------------------

_NARROW = set("iljtfrI.,:;'!|()[]{}/\\`")
_WIDE_LATIN = set("mwMW@%&")


@functools.lru_cache(maxsize=16384)
def text_width(text: str, size: float) -> float:
    """An upper estimate of the width of `text` set at `size` px in a sans-serif face (kept per
    text and size: a chart measures the same names, codes and dates at every request)."""
    total = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F"):
            total += 1.0
        elif char == " ":
            total += 0.32
        elif char in _NARROW:
            total += 0.36
        elif char in _WIDE_LATIN:
            total += 0.95
        elif char.isdigit():
            total += 0.64
        elif char.isupper():
            total += 0.76
        else:
            total += 0.64
    return total * size


def _pieces(text: str) -> list[tuple[str, bool]]:
    """`text` cut where a line may break: (piece, a space before it). A CJK character is a piece
    of its own (a line may break before it); a run of other characters is a word."""
    pieces: list[tuple[str, bool]] = []
    word = ""
    space = False
    for char in text:
        if char.isspace():
            if word:
                pieces.append((word, space))
                word = ""
            space = True
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            if word:
                pieces.append((word, space))
                word, space = "", False
            pieces.append((char, space))
            space = False
        else:
            word += char
    if word:
        pieces.append((word, space))
    return pieces


def wrap(text: str, width: float, size: float) -> list[str]:
    """`text` in lines no wider than `width` (breaking at spaces and between CJK characters; a
    word wider than a line is cut between characters). Nothing is dropped."""
    lines: list[str] = []
    line = ""
    for piece, space in _pieces(text):
        candidate = f"{line} {piece}" if line and space else line + piece
        if text_width(candidate, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
            line = ""
        if text_width(piece, size) <= width:
            line = piece
            continue
        for char in piece:  # a word longer than the line
            if line and text_width(line + char, size) > width:
                lines.append(line)
                line = ""
            line += char
    if line or not lines:
        lines.append(line)
    return lines
