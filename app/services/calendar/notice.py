"""The State Council's holiday notice (国务院办公厅关于某年部分节假日安排的通知), read as written.

Each holiday is one numbered paragraph: "二、春节：2月15日（农历腊月二十八、周日）至23日（…）
放假调休，共9天。2月14日（周六）、2月28日（周六）上班。" The sentences with 放假 give the days
off, those with 上班 the weekend days worked. Parenthesized remarks (weekdays, lunar dates)
are ignored; a date without a year belongs to the notice's year.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from app.services.workflow.errors import InvalidInput

_NUMBERED = re.compile(r"(?:^|\n|\s)[一二三四五六七八九十]+[、.．]\s*([^：:\n]{1,12})[：:]")
_REMARK = re.compile(r"（[^（）]*）|\([^()]*\)")
_DAY = r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日"
_RANGE = re.compile(_DAY + r"(?:\s*(?:至|到|—|-|~)\s*" + _DAY + ")?")


class NoticeUnreadable(InvalidInput):
    code = "calendar_notice_unreadable"


@dataclass
class Arrangement:
    """What a notice decides: days off by holiday, and the weekend days worked."""

    year: int
    holidays: list[tuple[str, date, date]] = field(default_factory=list)
    workdays: list[date] = field(default_factory=list)


def parse(year: int, text: str) -> Arrangement:
    """The arrangement a notice for `year` writes; NoticeUnreadable names what is missing."""
    plain = _REMARK.sub("", text or "")
    heads = list(_NUMBERED.finditer(plain))
    if not heads:
        raise NoticeUnreadable("通知中没有找到按“一、元旦：……”编号的节日段落",
                               field="text")
    found = Arrangement(year)
    for index, head in enumerate(heads):
        end = heads[index + 1].start() if index + 1 < len(heads) else len(plain)
        _read_paragraph(found, head.group(1).strip(), plain[head.end():end])
    if not found.holidays:
        raise NoticeUnreadable("通知中没有找到放假日期", field="text")
    return found


def _read_paragraph(found: Arrangement, name: str, body: str) -> None:
    for sentence in re.split(r"[。；;\n]", body):
        if "上班" in sentence:
            found.workdays.extend(first for first, _ in _dates(found.year, sentence, name))
        elif "放假" in sentence or "休息" in sentence:
            found.holidays.extend((name, first, last)
                                  for first, last in _dates(found.year, sentence, name))


def _dates(year: int, sentence: str, name: str) -> list[tuple[date, date]]:
    spans, month = [], None
    for match in _RANGE.finditer(sentence):
        y1, m1, d1, y2, m2, d2 = match.groups()
        month = int(m1) if m1 else month
        if month is None:
            raise NoticeUnreadable(f"{name}：“{match.group(0)}”没有月份", field="text")
        first = _day(int(y1) if y1 else year, month, int(d1), name)
        if d2 is None:
            spans.append((first, first))
            continue
        month = int(m2) if m2 else month
        last_year = int(y2) if y2 else (first.year if month >= first.month else first.year + 1)
        last = _day(last_year, month, int(d2), name)
        if last < first or (last - first).days > 31:
            raise NoticeUnreadable(f"{name}：“{match.group(0)}”不是有效的日期范围", field="text")
        spans.append((first, last))
    return spans


def _day(year: int, month: int, day: int, name: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise NoticeUnreadable(f"{name}：{year}年{month}月{day}日不存在", field="text") from None
