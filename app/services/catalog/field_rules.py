"""Rules on single catalog fields an item's validation runs: the structured 收费标准, the
licence's validity in years, the list of materials (each code once; only a required
material may be deferred, 容缺)."""
from __future__ import annotations

from decimal import Decimal

from app.services import money


def fee_problems(fields: dict) -> list[dict]:
    """The structured 收费标准: an amount in 元 to the cent; a unit needs an amount."""
    if fields["fee_amount"] is None:
        return ([{"field": "fee_unit", "message": "填写计费单位的，须同时填写收费金额"}]
                if fields.get("fee_unit") else [])
    try:
        if money.to_fen(fields["fee_amount"]) == 0:
            return [{"field": "fee_amount", "message": "不收费的请留空"}]
    except money.BadAmount as err:
        return [{"field": "fee_amount", "message": str(err)}]
    return []


def validity_years(value) -> int | None:
    """Whole years 0–100 from a number or its text ("5", "5.0" from a spreadsheet)."""
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        return None
    return int(number) if number == number.to_integral_value() and 0 <= number <= 100 else None


def material_problems(materials: list[dict]) -> list[dict]:
    problems, seen = [], set()
    for index, material in enumerate(materials):
        if material["code"] in seen:
            problems.append({"field": f"materials/{index}/code",
                             "message": f"材料编码 {material['code']} 重复"})
        seen.add(material["code"])
        if material.get("deferrable") and not material.get("required"):
            problems.append({"field": f"materials/{index}/deferrable",
                             "message": "只有必要材料才能容缺"})
    return problems
