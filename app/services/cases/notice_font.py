"""The typeface of the written notices: Noto Serif SC, embedded as a subset in every PDF.

The font comes from the `pylopdf-fonts-zh-cn` wheel (Noto Serif SC, SIL Open Font License 1.1),
so a fresh machine gets it from `pip install` alone. Noto CJK ships CFF outlines and reportlab
embeds subsets of TrueType-outline fonts only, so the characters a notice can contain are
converted to TrueType (quadratic) outlines once, with fontTools, and kept in a cache folder;
reportlab then embeds just the glyphs each PDF uses. The OFL allows such a converted version;
its names keep "Noto" (the reserved name of Noto CJK is "Source") and the documents made with
it are free of the licence.
"""
from __future__ import annotations

import os
import tempfile
from importlib.metadata import version
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont as OpenTypeFont
from fontTools.ttLib import newTable
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT = "NotoSerifSC"
_PACKAGE = "pylopdf-fonts-zh-cn"

# What a notice may contain: Latin and its punctuation, general punctuation and symbols
# (①, ※, ×), CJK punctuation, the CJK ideographs with extension A (names use rare ones),
# vertical and full-width forms. Other characters have no glyph in the notice.
_RANGES = ((0x20, 0x250), (0x2000, 0x2700), (0x3000, 0x3040), (0x3400, 0xA000),
           (0xFE30, 0xFE50), (0xFF00, 0xFFF0))
_CONVERSION_TOLERANCE = 1.0  # font units (of 1000): below what a print shows


def register() -> str:
    """Register the notice font with reportlab (once per process) and return its name."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(truetype_path())))
    return FONT


def truetype_path() -> Path:
    """The converted font file, made on first use (about half a minute) and kept."""
    target = _cache_folder() / f"{FONT}-{version(_PACKAGE)}-truetype.ttf"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside and renamed: a concurrent reader never sees half a font.
        with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".part", delete=False) as out:
            _convert(_source_path(), out)
        os.chmod(out.name, 0o644)  # mkstemp makes it private; it is a public font
        os.replace(out.name, target)
    return target


def _cache_folder() -> Path:
    configured = os.environ.get("GOVFLOW_CACHE_DIR")
    base = Path(configured) if configured else Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "govflow"
    return base / "fonts"


def _source_path() -> Path:
    import pylopdf_fonts_zh_cn  # the wheel's only job is to ship the font files

    return pylopdf_fonts_zh_cn.serif_path()


def _convert(source: Path, out) -> None:
    font = OpenTypeFont(str(source))
    _keep_notice_characters(font)
    _cff_to_glyf(font)
    font.save(out)


def _keep_notice_characters(font: OpenTypeFont) -> None:
    options = subset.Options()
    options.layout_features = []  # reportlab does no shaping
    options.name_IDs = ["*"]  # the copyright and licence records stay with the font
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[code for code in font.getBestCmap()
                                 if any(low <= code < high for low, high in _RANGES)])
    subsetter.subset(font)


def _cff_to_glyf(font: OpenTypeFont) -> None:
    """Replace the cubic CFF outlines by quadratic TrueType ones (what `glyf` holds)."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(None)
        # CFF contours run counter-clockwise, TrueType ones clockwise.
        glyphs[name].draw(Cu2QuPen(pen, _CONVERSION_TOLERANCE, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font["glyf"], font["loca"] = glyf, newTable("loca")
    font["head"].indexToLocFormat, font["head"].glyphDataFormat = 0, 0
    font["post"].formatType = 3.0  # no glyph names: a TrueType font does not need them
    _truetype_maxp(font["maxp"])
    font.sfntVersion = "\x00\x01\x00\x00"


def _truetype_maxp(maxp) -> None:
    """A CFF font's maxp (version 0.5) has only the glyph count; TrueType needs version 1.0."""
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements",
                  "maxComponentDepth"):
        setattr(maxp, field, 0)
