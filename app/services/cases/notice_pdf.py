"""A written notice (app/services/notices.py dict) drawn as an A4 PDF.

Uses reportlab's built-in CID font STSong-Light: the PDF viewer supplies the glyphs, so no
font file ships with the application and the output stays small.
"""
from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_BODY = ParagraphStyle("body", fontName=FONT, fontSize=12, leading=20, firstLineIndent=24,
                       wordWrap="CJK")
_TITLE = ParagraphStyle("title", parent=_BODY, fontSize=20, leading=28, alignment=TA_CENTER,
                        firstLineIndent=0)
_NUMBER = ParagraphStyle("number", parent=_BODY, alignment=TA_CENTER, firstLineIndent=0)
_PLAIN = ParagraphStyle("plain", parent=_BODY, firstLineIndent=0)
_SIGNATURE = ParagraphStyle("signature", parent=_BODY, alignment=TA_RIGHT, firstLineIndent=0)
_SMALL = ParagraphStyle("small", parent=_PLAIN, fontSize=10, leading=16)


def render(notice: dict) -> bytes:
    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=28 * mm, rightMargin=26 * mm,
                                 topMargin=37 * mm, bottomMargin=35 * mm,
                                 title=notice["title"], author=notice["signature"]["name"])
    document.build(_flowables(notice))
    return buffer.getvalue()


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)  # notice text is data, not reportlab markup


def _flowables(notice: dict) -> list:
    parts = [_para(notice["title"], _TITLE), _para(notice["number"], _NUMBER), Spacer(1, 8 * mm),
             _para(f"{notice['recipient']}：", _PLAIN)]
    parts += [_para(text, _BODY) for text in notice["body"] + notice["remedies"]]
    parts += [Spacer(1, 14 * mm), _para(notice["signature"]["name"], _SIGNATURE),
              _para(notice["signature"]["date"], _SIGNATURE), Spacer(1, 10 * mm)]
    contacts = notice["contacts"]
    parts += [_para(f"地址：{contacts['address']}　咨询电话：{contacts['phone']}"
                    f"　监督投诉电话：{contacts['complaintPhone']}", _SMALL)]
    return parts
