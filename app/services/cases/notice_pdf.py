"""A written notice (app/services/notices.py dict) drawn as an A4 PDF.

Set in Noto Serif SC, whose subset each PDF embeds (app/services/cases/notice_font.py), so the
notice opens the same in any viewer, with or without Chinese fonts installed.
"""
from __future__ import annotations

import base64
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table

from app.services.cases import line_breaking, notice_font

FONT = notice_font.FONT

_BODY = ParagraphStyle("body", fontName=FONT, fontSize=12, leading=20, firstLineIndent=24,
                       wordWrap="CJK")
_TITLE = ParagraphStyle("title", parent=_BODY, fontSize=20, leading=28, alignment=TA_CENTER,
                        firstLineIndent=0)
_NUMBER = ParagraphStyle("number", parent=_BODY, alignment=TA_CENTER, firstLineIndent=0)
_PLAIN = ParagraphStyle("plain", parent=_BODY, firstLineIndent=0)
_SIGNATURE = ParagraphStyle("signature", parent=_BODY, alignment=TA_RIGHT, firstLineIndent=0)
_SMALL = ParagraphStyle("small", parent=_PLAIN, fontSize=10, leading=16)


def render(notice: dict, lookup_url: str | None = None) -> bytes:
    """The notice as PDF; `lookup_url` (the public progress lookup of the case) is printed
    at the foot with its QR code, so that a phone leads the applicant there."""
    notice_font.register()
    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=28 * mm, rightMargin=26 * mm,
                                 topMargin=37 * mm, bottomMargin=35 * mm,
                                 title=notice["title"], author=notice["signature"]["name"],
                                 # or every page also names an unembedded Helvetica
                                 initialFontName=FONT)
    document.build(_flowables(notice) + (_lookup_code(lookup_url) if lookup_url else []))
    return buffer.getvalue()


class ChineseParagraph(Flowable):
    """A paragraph broken into lines by the Chinese rules (line_breaking) for the width it gets,
    then laid out by reportlab with those breaks."""

    def __init__(self, text: str, style: ParagraphStyle):
        super().__init__()
        self.text, self.style = text, style
        self._laid_out: Paragraph | None = None

    def _paragraph(self, width: float) -> Paragraph:
        style = self.style
        inner = width - style.leftIndent - style.rightIndent
        lines = line_breaking.break_lines(self.text, (inner - style.firstLineIndent, inner),
                                          style.fontName, style.fontSize)
        # Notice text is data, not reportlab markup: escaped, then joined by forced breaks.
        return Paragraph("<br/>".join(escape(line) for line in lines), style)

    def wrap(self, availWidth, availHeight):
        self._laid_out = self._paragraph(availWidth)
        return self._laid_out.wrap(availWidth, availHeight)

    def draw(self):
        self._laid_out.drawOn(self.canv, 0, 0)

    def split(self, availWidth, availHeight):
        return self._paragraph(availWidth).split(availWidth, availHeight)

    def lines(self) -> list[str]:
        """The text of each line as laid out by the last wrap."""
        return ["".join(frag.text for frag in line.words) for line in self._laid_out.blPara.lines]


def _para(text: str, style: ParagraphStyle) -> ChineseParagraph:
    return ChineseParagraph(text, style)


def _flowables(notice: dict) -> list:
    parts = [_para(notice["title"], _TITLE), _para(notice["number"], _NUMBER), Spacer(1, 8 * mm),
             _para(f"{notice['recipient']}：", _PLAIN)]
    parts += [_para(text, _BODY) for text in notice["body"] + notice["remedies"]]
    signature = notice["signature"]
    parts += [Spacer(1, 14 * mm), _para(signature["name"], _SIGNATURE),
              _para(signature["date"], _SIGNATURE)]
    if signature.get("seal"):
        parts.append(Seal(signature["seal"]))
    parts.append(Spacer(1, 14 * mm if signature.get("seal") else 10 * mm))
    contacts = notice["contacts"]
    parts += [_para(f"办理地点：{contacts['place']}　地址：{contacts['address']}　咨询电话：{contacts['phone']}"
                    f"　监督投诉电话：{contacts['complaintPhone']}", _SMALL)]
    return parts


class Seal(Flowable):
    """The department's seal over its name and the date (盖章压字): a flowable of no height
    that draws the image up over the two signature lines just laid out above it."""

    SIZE = 40 * mm

    def __init__(self, data_uri: str):
        super().__init__()
        self.image = ImageReader(BytesIO(base64.b64decode(data_uri.split(",", 1)[1])))
        self.width_available = 0.0

    def wrap(self, availWidth, availHeight):
        self.width_available = availWidth
        return availWidth, 0

    def draw(self):
        self.canv.drawImage(self.image, self.width_available - self.SIZE, -9 * mm,
                            self.SIZE, self.SIZE, mask="auto")


QR_SIZE = 24 * mm


def _lookup_code(url: str) -> list:
    """The QR code of the lookup URL, with the URL itself beside it (typed when not scanned)."""
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / (right - left), 0, 0,
                                                    QR_SIZE / (top - bottom), 0, 0])
    drawing.initialFontName = FONT  # or the page names an unembedded Helvetica
    drawing.add(widget)
    words = Paragraph(f"扫码或访问以下网址，凭查询码查询办理进度：<br/>{escape(url)}", _SMALL)
    table = Table([[drawing, words]], colWidths=[QR_SIZE + 4 * mm, None], hAlign="LEFT",
                  style=[("FONT", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
    return [Spacer(1, 6 * mm), table]
