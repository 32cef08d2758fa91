"""The month's assessment as the viewer reads it, written out: an XLSX workbook (one sheet per
dimension and one of definitions) and the values as the pages and the 通报 show them."""
from __future__ import annotations

import io

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font

from app.services.supervision.assessment_view import View
from app.services.supervision.indicators import DIMENSIONS, Indicator, as_percent

DIMENSION_LABELS = {"department": _l("单位"), "window": _l("窗口"), "staff": _l("工作人员")}
KIND_LABELS = {"count": _l("件数"), "rate": _l("比率"), "days": _l("工作日")}


def shown(indicator: Indicator, value) -> str:
    """A value as a page shows it: a rate as 66.7%（4/6）, nothing to rate as —."""
    if value is None:
        return "0" if indicator.kind != "rate" else "—"
    if indicator.kind == "rate":
        percent = as_percent(value)
        return "—" if percent is None else f"{percent:.1f}%（{value[0]}/{value[1]}）"
    return str(value)


def shown_parts(indicator: Indicator, value) -> tuple[str, str]:
    """A value for a narrow table cell: the figure, and a rate's numerator/denominator."""
    if indicator.kind == "rate" and value and value[1]:
        return f"{as_percent(value):.1f}%", f"{value[0]}/{value[1]}"
    return shown(indicator, value), ""


def _cell(indicator: Indicator, value):
    """A spreadsheet cell: a rate as a fraction formatted as a percentage."""
    if indicator.kind != "rate":
        return value or 0
    return None if not value or not value[1] else value[0] / value[1]


def row_name(row, dimension: str) -> str:
    if row.key is None:
        return _("未归属窗口") if dimension == "window" else _("未归属人员")
    return row.name or str(row.key)


def xlsx(found: View) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for dimension in DIMENSIONS:
        indicators = found.for_dimension(dimension)
        sheet = book.create_sheet(str(DIMENSION_LABELS[dimension]))
        sheet.append([str(DIMENSION_LABELS[dimension]), *(str(i.label) for i in indicators)])
        for row in found.rows[dimension]:
            sheet.append([row_name(row, dimension),
                          *(_cell(i, row.values.get(i.key)) for i in indicators)])
        for column, indicator in enumerate(indicators, start=2):
            if indicator.kind == "rate":
                for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
                    cell.number_format = "0.0%"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    sheet = book.create_sheet(_("指标定义"))
    sheet.append([_("指标"), _("类型"), _("定义")])
    for indicator in found.indicators:
        sheet.append([str(indicator.label), str(KIND_LABELS[indicator.kind]),
                      str(indicator.definition)])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
