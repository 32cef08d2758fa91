"""Service refusals a person reads on a page, in the page's language. The API keeps the
service's English detail and its stable code; a page words the codes it knows for people."""
from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from app.services.errors import ServiceError


def _calendar_out_of_range(extra: dict) -> str:
    return _("办理期限落在工作日历无法计算的年份（%(year)s 年），请核对日期或承诺时限。",
             year=extra.get("year", "?"))


def _calendar_invalid_days(extra: dict) -> str:
    return _("办理时限天数有误（%(days)s）：应为不小于 0、以半天为单位的工作日数。",
             days=extra.get("days", "?"))


def _calendar_error(extra: dict) -> str:
    return _("工作日历无法计算该期限，请联系管理员核对工作日历。")


_WORDINGS: dict[str, Callable[[dict], str]] = {
    "calendar_out_of_range": _calendar_out_of_range,
    "calendar_invalid_days": _calendar_invalid_days,
    "calendar_error": _calendar_error,
}


def for_people(err: ServiceError) -> str:
    """The refusal as a person on a page should read it."""
    wording = _WORDINGS.get(err.code)
    return wording(err.extra) if wording else err.detail
