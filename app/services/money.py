"""Money as integer fen (分): parsed from what a person types, shown as ¥1,234.50.

Never a float: a typed amount goes through Decimal and must have at most two decimals, so
¥0.10 + ¥0.20 is exactly 30 fen and every sum of a day's takings reconciles to the cent."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

MAX_FEN = 10 ** 12  # ¥10,000,000,000: more is a typing mistake
CENT = Decimal("0.01")


class BadAmount(ValueError):
    """Why a typed amount is not money (the message is Chinese: shown beside the field)."""


def to_fen(value) -> int:
    """Fen from "1,234.5", "¥12", 12 or Decimal("12.50"); floats (JSON numbers) are read by
    their shortest decimal spelling, never used as binary fractions."""
    if isinstance(value, bool) or value is None:
        raise BadAmount("请填写金额")
    text = str(value).strip().replace(",", "").replace("，", "").lstrip("¥￥")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise BadAmount("金额格式不正确") from None
    if not amount.is_finite():
        raise BadAmount("金额格式不正确")
    if amount < 0:
        raise BadAmount("金额不能为负数")
    if amount * 100 >= MAX_FEN:  # before quantize, which fails on huge exponents
        raise BadAmount("金额过大")
    if amount != amount.quantize(CENT):
        raise BadAmount("金额最多精确到分")
    return int(amount * 100)


def to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(CENT)


def shown(fen: int | None) -> str:
    """¥1,234.50 (a refund or a net loss as -¥12.00); "" for no amount."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    return f"{sign}¥{abs(fen) // 100:,}.{abs(fen) % 100:02d}"


def rate_text(amount: Decimal | None, unit: str = "") -> str:
    """An item's structured 收费标准: ¥20.00/张 (a rate per unit), ¥50.00/件 (per case)."""
    if amount is None:
        return ""
    return f"{shown(to_fen(amount))}/{unit or '件'}"
