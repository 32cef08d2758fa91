"""The one way a time is written for people: the center's local time (config TIMEZONE).

Stored times are UTC; pages, flash messages, task instructions and service messages all go
through these functions (the pages through the `local_time`, `local_date` and
`relative_time` filters). Machines get ISO 8601 with the offset (`local_iso`); the API keeps
its own ISO strings.
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime

from flask_babel import ngettext
from markupsafe import Markup

from app.models.base import utcnow
from app.services.workflow import working_days

DATE = "%Y-%m-%d"
DATETIME = "%Y-%m-%d %H:%M"
# Written notices and messages to applicants use the official style of Chinese documents.
DOCUMENT_DATE = "%Y年%m月%d日"
DOCUMENT_DATETIME = "%Y年%m月%d日 %H:%M"
# An ISO moment inside text (task data, instructions): 2026-03-02T07:59:00+00:00
ISO_MOMENT = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                        r"(?:Z|[+-]\d{2}:\d{2})")
EMPTY = "—"

Moment = datetime | date | str | None


def _is_day(value: Moment) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime) or (
        isinstance(value, str) and len(value) == 10)


def local(value: datetime | date | str) -> datetime:
    """The moment on the center's clock (a bare date is that local day's midnight)."""
    return working_days.to_local(value)


def local_datetime(value: Moment, empty: str = EMPTY) -> str:
    """2026-03-02 15:59 on the center's clock; a calendar day is written as a date."""
    if value in (None, ""):
        return empty
    if _is_day(value):
        return local_date(value, empty)
    return local(value).strftime(DATETIME)


def local_date(value: Moment, empty: str = EMPTY) -> str:
    if value in (None, ""):
        return empty
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.strftime(DATE)
    return local(value).strftime(DATE)


def document_date(value: Moment) -> str:
    """2026年03月02日, for notices and messages to applicants."""
    return local(value).strftime(DOCUMENT_DATE) if value not in (None, "") else ""


def document_datetime(value: Moment) -> str:
    return local(value).strftime(DOCUMENT_DATETIME) if value not in (None, "") else ""


def local_iso(value: Moment) -> str:
    """ISO 8601 with the center's offset, for <time datetime="…">."""
    return local(value).isoformat() if value not in (None, "") else ""


def relative(value: Moment, now: datetime | None = None) -> str:
    """"还有 56 分钟" / "已超过 2 小时", in the page's language; counted in UTC, so the
    phrase does not depend on any clock's zone."""
    if value in (None, ""):
        return EMPTY
    moment = local(value)
    seconds = (moment - (now or utcnow())).total_seconds()
    amount, unit = _largest_unit(abs(seconds))
    if seconds >= 0:
        return _ahead(amount, unit)
    return _behind(amount, unit)


def _largest_unit(seconds: float) -> tuple[int, str]:
    if seconds < 3600:
        return max(math.ceil(seconds / 60), 1), "minute"
    if seconds < 86400:
        return int(seconds // 3600), "hour"
    return int(seconds // 86400), "day"


def _ahead(amount: int, unit: str) -> str:
    if unit == "minute":
        return ngettext("还有 %(num)s 分钟", "还有 %(num)s 分钟", amount)
    if unit == "hour":
        return ngettext("还有 %(num)s 小时", "还有 %(num)s 小时", amount)
    return ngettext("还有 %(num)s 天", "还有 %(num)s 天", amount)


def _behind(amount: int, unit: str) -> str:
    if unit == "minute":
        return ngettext("已超过 %(num)s 分钟", "已超过 %(num)s 分钟", amount)
    if unit == "hour":
        return ngettext("已超过 %(num)s 小时", "已超过 %(num)s 小时", amount)
    return ngettext("已超过 %(num)s 天", "已超过 %(num)s 天", amount)


def in_text(text: str) -> str:
    """Every ISO moment inside a text (task data filled into instructions, a variables
    dump) on local time; markup stays markup (the replacements are digits and spaces)."""
    replaced = ISO_MOMENT.sub(lambda m: local_datetime(m.group(0)), str(text))
    return Markup(replaced) if isinstance(text, Markup) else replaced

