"""The demo's sample forms (空白表格, 示范文本): small A4 PDFs drawn here, in the notices' font,
so the public guide has files to offer on a fresh demo."""
from __future__ import annotations

from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.services.cases import notice_font

# (item code, material code, kind, file name, title, [(field, the sample's answer)])
_SHOP = [("申请人名称", "姚安县栋川镇示例餐饮店"), ("统一社会信用代码", "92532325MA6N000000"),
         ("法定代表人（负责人）", "王某某"), ("经营场所", "姚安县栋川镇示例路 1 号"),
         ("经营项目", "热食类食品制售"), ("联系电话", "0878-0000000")]
_PERSON = [("经营者姓名", "李某某"), ("身份证件号码", "5323251990********"),
           ("经营场所", "姚安县栋川镇示例街 8 号"), ("经营范围", "日用百货零售"),
           ("联系电话", "138********")]
FORMS = [
    ("MSA-002", "application_form", "blank", "食品经营许可申请书（空白表格）.pdf",
     "食品经营许可申请书", _SHOP),
    ("MSA-002", "application_form", "sample", "食品经营许可申请书（示范文本）.pdf",
     "食品经营许可申请书", _SHOP),
    ("MSA-001", "application_form", "blank", "个体工商户设立登记申请书（空白表格）.pdf",
     "个体工商户设立登记申请书", _PERSON),
]


def pdf(title: str, fields: list[tuple[str, str]], sample: bool) -> bytes:
    font = notice_font.register()
    heading = ParagraphStyle("heading", fontName=font, fontSize=18, leading=26, alignment=1)
    plain = ParagraphStyle("plain", fontName=font, fontSize=11, leading=18, wordWrap="CJK")
    rows = [[Paragraph(name, plain), Paragraph(answer if sample else "", plain)]
            for name, answer in fields]
    rows.append([Paragraph("申请人（签章）", plain),
                 Paragraph("王某某　　2026 年 3 月 2 日" if sample else "　　年　　月　　日", plain)])
    table = Table(rows, colWidths=[45 * mm, 110 * mm], rowHeights=12 * mm)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, "black"),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    note = ("示范文本：以上内容为填写示例，请按实际情况填写。" if sample
            else "请用黑色墨水笔或签字笔填写，字迹清楚；不得涂改。")
    out = BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=title, initialFontName=font,
                      leftMargin=25 * mm, rightMargin=25 * mm).build([
        Paragraph(title + ("（示范文本）" if sample else ""), heading), Spacer(1, 8 * mm),
        table, Spacer(1, 6 * mm), Paragraph(note, plain)])
    return out.getvalue()
