"""The notice PDFs as documents: the font travels with them, lines break by the Chinese rules,
and an instant item's notice says it is decided on the spot."""
from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from app.services.cases import line_breaking, notice_font, notice_pdf
from tests.cases.service_item_steps import ALL_MATERIALS, complete, notices, start_case
from tests.conftest import headers_for

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
CLOSING = "，。、；：？！）」』】》"
# Long, with many commas and closing marks after short runs: at most widths one of them
# would fall at a line start under a plain character-by-character wrap.
LONG_TEXT = ("你（单位）于2026年03月02日提出的「食品经营许可（含仅销售预包装食品备案）」申请，"
             "经审查，申请材料齐全、符合法定形式；本机关已受理。"
             + "，".join("甲乙丙丁戊己庚"[:n % 6 + 1] for n in range(60)) + "。"
             + "、".join(f"《第{n}号》" for n in range(12)) + "！")


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def _accepted_pdf(client, item_code: str) -> tuple[int, bytes]:
    case_id = start_case(client, item_code)["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    response = client.get(f"/cases/{case_id}/notices/accepted.pdf", headers=headers_for("clerk"))
    assert response.status_code == 200
    return case_id, response.data


def _fonts(pdf: bytes) -> list[dict]:
    fonts = []
    for page in PdfReader(BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            fonts.append({"name": str(font["/BaseFont"]),
                          "descriptor": descendant.get("/FontDescriptor", {}).get_object()
                          if "/FontDescriptor" in descendant else {}})
    return fonts


def test_the_notice_pdf_embeds_a_subset_of_a_truetype_font(client):
    _, pdf = _accepted_pdf(client, "MSA-002")
    fonts = _fonts(pdf)
    assert fonts, "the page names no font"
    for font in fonts:
        prefix, _, family = font["name"].lstrip("/").partition("+")
        assert len(prefix) == 6 and prefix.isupper() and family.startswith("NotoSerifSC")
        assert "/FontFile2" in font["descriptor"], f"{font['name']} is not embedded"
    embedded = fonts[0]["descriptor"]["/FontFile2"].get_object().get_data()
    assert len(embedded) < 300_000  # the glyphs of one page, not the 12 MB font
    text = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    assert "受理通知书" in text and "申请材料齐全" in text  # the glyphs map back to the text


def test_the_converted_font_has_truetype_outlines_for_the_notice_characters():
    from fontTools.ttLib import TTFont

    font = TTFont(str(notice_font.truetype_path()))
    assert "glyf" in font and "CFF " not in font
    cmap = font.getBestCmap()
    assert all(ord(char) in cmap for char in "受理通知书，。「」（）〔〕０１２ABC123垚")
    glyph = font["glyf"][cmap[ord("受")]]
    assert glyph.numberOfContours > 0  # an outline, not an empty box


@pytest.mark.parametrize("width", range(90, 460, 7))
def test_no_laid_out_line_starts_with_closing_punctuation(width):
    notice_font.register()
    paragraph = notice_pdf._para(LONG_TEXT, notice_pdf._BODY)
    paragraph.wrap(width, 100_000)
    lines = paragraph.lines()
    assert "".join(lines) == LONG_TEXT  # nothing lost or added
    assert len(lines) > 3
    starts = [line[0] for line in lines[1:]]
    assert not [char for char in starts if char in CLOSING], lines
    assert not [line for line in lines if line[-1] in "（「『【《"], lines
    indent = notice_pdf._BODY.firstLineIndent
    for number, line in enumerate(lines):
        allowed = width - (indent if number == 0 else 0)
        assert _width(line) <= allowed + 1e-6, (line, allowed)


def test_a_run_of_digits_is_not_cut():
    lines = line_breaking.break_lines("办件编号：20260302000123号", (100, 100),
                                      *_font())
    assert any("20260302000123" in line for line in lines), lines


def test_the_plain_wrap_would_break_before_a_comma_somewhere():
    """The rules are needed: without them a comma would start a line at some width."""
    from reportlab.platypus import Paragraph

    notice_font.register()
    found = False
    for width in range(90, 460, 7):
        plain = Paragraph(LONG_TEXT, notice_pdf._BODY)
        plain.wrap(width, 100_000)
        # a one-fragment paragraph's lines are (extra space, [characters]) tuples
        found |= any("".join(line[1])[:1] in CLOSING for line in plain.blPara.lines[1:])
    assert found


def test_an_instant_items_notice_is_decided_on_the_spot(client):
    case_id, pdf = _accepted_pdf(client, "MSA-001")  # 即办件, promised 0 days
    text = PdfReader(BytesIO(pdf)).pages[0].extract_text().replace("\n", "")
    assert "0 个工作日" not in text and "0个工作日" not in text
    assert "当场作出决定" in text and "第三十四条" in text
    message = notices(case_id, "accepted")[0].body
    assert "0 个工作日" not in message and "当场办结" in message


def test_a_promise_items_notice_keeps_its_working_days(client):
    case_id, pdf = _accepted_pdf(client, "MSA-002")
    text = PdfReader(BytesIO(pdf)).pages[0].extract_text().replace("\n", "")
    assert "承诺办结时限为 10 个工作日" in text and "当场" not in text
    assert "10 个工作日" in notices(case_id, "accepted")[0].body


def _font() -> tuple[str, float]:
    notice_font.register()
    return notice_pdf.FONT, notice_pdf._BODY.fontSize


def _width(line: str) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(line, *_font())
