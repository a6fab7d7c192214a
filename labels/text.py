"""Fitting text into a layout box: normalise, wrap, shrink, and only as a last resort shorten visibly.

Nothing is ever cut silently: a text that cannot fit at its box's minimum legible size ends with an ellipsis and
comes back with `truncated=True`, which the renderers turn into a `FitWarning`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from labels import fonts
from labels.layout import BASELINE, LEADING, PT_PER_MM, Box

ELLIPSIS = "…"
_SIZE_STEP = 0.5
FRAME_PAD_MM = 1.0


def clean(text: str) -> str:
    """NFC-normalise (some keyboards send decomposed Vietnamese) and collapse runs of whitespace."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass(frozen=True, slots=True)
class Fitted:
    """Lines to draw at `size` points; `truncated` when the text had to be shortened."""

    lines: tuple[str, ...]
    size: float
    truncated: bool = False

    @property
    def text(self) -> str:
        """What is actually printed, lines joined by spaces."""
        return " ".join(self.lines)


def line_tops(box: Box, fitted: Fitted, valign_center: bool) -> list[float]:
    """Top of each line in mm: framed boxes centre their text vertically, others start at the top."""
    lead = fitted.size * LEADING / PT_PER_MM
    block = lead * len(fitted.lines)
    top = box.y + (box.h - block) / 2 if valign_center else box.y
    return [top + i * lead for i in range(len(fitted.lines))]


def baseline_offset(size: float) -> float:
    """Distance from a line's top to its baseline, mm."""
    return size * BASELINE / PT_PER_MM


def inner(box: Box) -> tuple[float, float]:
    """Width and height (mm) available to text: a framed box keeps its text off the frame."""
    if not box.frame:
        return box.w, box.h
    return box.w - 2 * (box.frame + FRAME_PAD_MM), box.h - 2 * box.frame


def _max_lines(box: Box, size: float) -> int:
    return min(box.max_lines, int(inner(box)[1] * PT_PER_MM / (size * LEADING) + 1e-6))


def _split_word(word: str, limit: float, bold: bool) -> list[str]:
    """Break a word that is wider than a line by characters, keeping every character."""
    pieces, current = [], ""
    for char in word:
        if current and fonts.width(current + char, bold) > limit:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current]


def _wrap(words: list[str], limit: float, bold: bool, break_words: bool) -> list[str] | None:
    """Greedy wrap at `limit` (line width at 1 pt); None when a word is too wide and may not be broken."""
    space = fonts.width(" ", bold)
    lines: list[str] = []
    current, current_width = "", 0.0
    for word in words:
        word_width = fonts.width(word, bold)
        if word_width > limit:
            if not break_words:
                return None
            parts = _split_word(word, limit, bold)
            word, word_width = parts[-1], fonts.width(parts[-1], bold)
            if current:
                lines.append(current)
            lines.extend(parts[:-1])
            current, current_width = word, word_width
            continue
        if current and current_width + space + word_width <= limit:
            current, current_width = f"{current} {word}", current_width + space + word_width
        else:
            if current:
                lines.append(current)
            current, current_width = word, word_width
    if current:
        lines.append(current)
    return lines


def _ellipsize(line: str, limit: float, bold: bool) -> str:
    """Shorten `line` until it and an ellipsis fit `limit`."""
    while line and fonts.width(line.rstrip() + ELLIPSIS, bold) > limit:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS


@lru_cache(maxsize=4096)
def fit(text: str, box: Box) -> Fitted:
    """Fit `text` into `box`: largest size whose word-wrapped lines fit, shrinking down to `box.min_size`.

    At the minimum size long words are broken; if the text is still too long the last line ends with an ellipsis
    and the result is marked truncated. Cached because captions, senders and offices repeat across a batch.
    """
    text = clean(text)
    words = text.split(" ") if text else []
    width_pt = inner(box)[0] * PT_PER_MM
    size = box.size
    while size >= box.min_size - 1e-9:
        n = _max_lines(box, size)
        lines = _wrap(words, width_pt / size, box.bold, break_words=False) if n else None
        if lines is not None and len(lines) <= n:
            return Fitted(tuple(lines), size)
        size -= _SIZE_STEP
    size = box.min_size
    n = max(1, _max_lines(box, size))
    lines = _wrap(words, width_pt / size, box.bold, break_words=True) or []
    if len(lines) <= n:
        return Fitted(tuple(lines), size)
    kept = [*lines[: n - 1], _ellipsize(lines[n - 1], width_pt / size, box.bold)]
    return Fitted(tuple(kept), size, truncated=True)
