"""Working-day figures as people type them into the catalog (forms, spreadsheets): read,
written back and checked. 2.5 is a figure a limit may have; 15.0 and 1.5E+1 are not how one
is written."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

MAX_DAYS = Decimal(9999)  # the column holds 99999.9; anything near that is a typing slip


def parse_days(value) -> Decimal | None:
    """A number of working days, or None when the value is not a finite number."""
    try:
        days = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return days if days.is_finite() else None


def format_days(days: Decimal) -> str:
    """15, 2.5: never 15.0 or 1.5E+1."""
    return f"{days.normalize():f}"


def days_problem(value) -> str | None:
    """Why `value` is not a limit in working days (half days allowed), or None."""
    days = parse_days(value)
    if days is None:
        return "应为数字，如 5 或 2.5"
    if days < 0:
        return "不能为负数"
    if days > MAX_DAYS:
        return f"不能超过 {MAX_DAYS}"
    if (days * 2) % 1:
        return "须为 0.5 的整数倍"
    return None
