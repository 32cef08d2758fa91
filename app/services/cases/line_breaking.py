"""Chinese line breaking (禁则处理, GB/T 15834 and W3C clreq) for the notice PDFs.

reportlab's CJK wrap lets a single closing mark hang in the margin but does not know the
full-width comma, semicolon, colon or question mark, and a second closing mark (」，) still
starts the next line. Here the lines are broken first: when a line would start with a mark
that may not start one, or end with an opening one, characters move down to the next line
(推出), and a run of Latin letters or digits is not cut.
"""
from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth

CANNOT_START = set("，。、；：？！）」』】〕〉》”’…—～%,.;:?!)]}·・‰％℃°")
CANNOT_END = set("（「『【〔〈《“‘([{")


def break_lines(text: str, widths: tuple[float, float], font: str, size: float) -> list[str]:
    """`text` in lines no wider than widths[0] (the first line) and widths[1] (the others)."""
    lines: list[str] = []
    rest = text
    while rest:
        width = widths[0] if not lines else widths[1]
        cut = _fitting(rest, width, font, size)
        if cut < len(rest):
            cut = _allowed_cut(rest, cut)
        lines.append(rest[:cut])
        rest = rest[cut:]
    return lines


def _fitting(text: str, width: float, font: str, size: float) -> int:
    """How many characters of `text` fit in `width` (at least one, so the text moves on)."""
    used = 0.0
    for index, char in enumerate(text):
        used += stringWidth(char, font, size)
        if used > width + 1e-6:
            return max(index, 1)
    return len(text)


def _allowed_cut(text: str, cut: int) -> int:
    """Move the break back until it falls where a line may end and the next may start."""
    candidate = cut
    while candidate > 1 and not _may_break_at(text, candidate):
        candidate -= 1
    if _may_break_at(text, candidate):
        return candidate
    # A line of nothing but closing marks cannot move down: they hang in the margin (悬挂).
    while cut < len(text) and text[cut] in CANNOT_START:
        cut += 1
    return cut


def _may_break_at(text: str, index: int) -> bool:
    before, after = text[index - 1], text[index]
    if after in CANNOT_START or before in CANNOT_END:
        return False
    return not (_is_latin_or_digit(before) and _is_latin_or_digit(after))


def _is_latin_or_digit(char: str) -> bool:
    return char.isascii() and char.isalnum()
