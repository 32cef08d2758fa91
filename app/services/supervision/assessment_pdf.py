"""The month's 通报 (月度效能考评通报) as an A4 PDF, in the notices' embedded Chinese font
(app/services/cases/notice_font.py): the same sections as the printable page."""
from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.services.cases import notice_font
from app.services.supervision.assessment_export import row_name, shown
from app.services.supervision.assessment_view import View
from app.services.workflow import time_text

_PLAIN = ParagraphStyle("plain", fontName=notice_font.FONT, fontSize=11, leading=18,
                        wordWrap="CJK")
_BODY = ParagraphStyle("body", parent=_PLAIN, firstLineIndent=22)
_TITLE = ParagraphStyle("title", parent=_PLAIN, fontSize=18, leading=26, alignment=TA_CENTER)
_NUMBER = ParagraphStyle("number", parent=_PLAIN, alignment=TA_CENTER)
_CELL = ParagraphStyle("cell", parent=_PLAIN, fontSize=9, leading=12)
OVERDUE_PRINTED = 30  # the PDF names the most overdue; the page and the XLSX have them all


def render(found: View, center_name: str, bulletin_no: str | None) -> bytes:
    notice_font.register()
    buffer = BytesIO()
    title = _("月度效能考评通报")
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                                 topMargin=25 * mm, bottomMargin=20 * mm, title=title,
                                 author=center_name, initialFontName=notice_font.FONT)
    story = [Paragraph(escape(f"{center_name}{title}"), _TITLE),
             Paragraph(escape(bulletin_no or _("（未发布）")), _NUMBER), Spacer(0, 6 * mm)]
    if found.withheld:
        story.append(Paragraph(escape(_("该月考评尚未发布，发布后可查看本单位的考评结果。")), _BODY))
    else:
        story += _sections(found)
    document.build(story)
    return buffer.getvalue()


def _table(rows: list[list[str]], widths: list[float] | None = None) -> Table:
    table = Table([[Paragraph(escape(str(cell)), _CELL) for cell in row] for row in rows],
                  colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _sections(found: View) -> list:
    by_key = {i.key: i for i in found.indicators}
    ranked = [i for i in ("on_time_rate", "early_rate", "satisfaction") if i in by_key]
    ranking = [[_("名次"), _("单位"), *(str(by_key[k].label) for k in ranked),
                str(by_key["overdue"].label)]]
    for place, row in enumerate(found.ranking("on_time_rate"), start=1):
        ranking.append([str(place), row_name(row, "department"),
                        *(shown(by_key[k], row.values.get(k)) for k in ranked),
                        shown(by_key["overdue"], row.values.get("overdue"))])
    totals = [[_("指标"), _("合计") if found.center else _("本单位合计")]] + [
        [str(i.label), shown(i, found.total.values.get(i.key))]
        for i in found.for_dimension("department")]
    units = {row.key: row.name or "" for row in found.rows["department"]}
    overdue = [[_("办件编号"), _("单位"), _("事项"), _("承诺期限"), _("办结时间"), _("超时工作日")]] + [
        [c["case_no"] or str(c["case_id"]), units.get(c["department_id"], ""), c["item_name"],
         time_text.local_datetime(c["deadline_at"]),
         time_text.local_datetime(c["concluded_at"]) if c["concluded_at"] else _("月底未办结"),
         str(c["days"])] for c in found.overdue_cases[:OVERDUE_PRINTED]]
    intro = _("根据效能建设有关规定，现将 %(month)s 各窗口单位效能考评情况通报如下。",
              month=found.month)
    return [Paragraph(escape(intro), _BODY), Spacer(0, 4 * mm),
            Paragraph(escape(_("一、各单位按时办结率排名")), _PLAIN), _table(ranking),
            Spacer(0, 4 * mm), Paragraph(escape(_("二、全部指标")), _PLAIN),
            _table(totals, [60 * mm, 60 * mm]), Spacer(0, 4 * mm),
            Paragraph(escape(_("三、超时件")), _PLAIN), _table(overdue), Spacer(0, 4 * mm),
            Paragraph(escape(_("四、指标定义")), _PLAIN),
            _table([[_("指标"), _("定义")]] + [[str(i.label), str(i.definition)]
                                              for i in found.indicators], [40 * mm, 130 * mm])]
