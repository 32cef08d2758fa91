"""The item catalog (事项目录): reading, creating, revising and retiring versioned items.

Each Item row is one version. The current version of a code has superseded_at NULL; a
revision inserts version n+1 and supersedes version n in the same transaction, so a case
keeps the version it was accepted under. Retiring supersedes the current version with no
successor: the item is withdrawn and its history stays.

Input fields (create, revise, import) are the Item attribute names, except `department`,
a department code, instead of department_id. `validate` is the one check for all three;
it reports every problem at once as {"field", "message"} (messages in Chinese: they are
shown to the center's staff). Fields a revision leaves out keep their current values.
"""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from jsonschema import Draft202012Validator

from app.models import Department, Item, db, utcnow
from app.models.catalog import (APPROVAL_LEVELS, ITEM_CATEGORIES, ITEM_KINDS, JOINT, LICENSING,
                                LONG_DECISION_REASONS)
from app.services import money
from app.services.catalog import field_rules
from app.services.catalog.days import days_problem, format_days, parse_days
from app.services.workflow import audit, permissions
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, InvalidInput, NotFound

FIELDS = ("code", "basic_code", "name", "department", "kind", "category", "service_object",
          "legal_days", "promised_days", "overdue_default", "absent_default",
          "joint_departments", "legal_basis", "acceptance_conditions", "materials", "fee",
          "fee_basis", "fee_amount", "fee_unit", "approval_level", "process_key",
          "long_decision_reason", "correction_pauses", "commitment_system",
          "licence_validity_years")
# yes/no fields
FLAGS = ("overdue_default", "absent_default", "correction_pauses", "commitment_system")
REQUIRED = ("code", "basic_code", "name", "department", "kind", "legal_days", "promised_days",
            "process_key")
DEFAULTS = {"category": LICENSING, "service_object": "", "overdue_default": False,
            "absent_default": False, "joint_departments": [], "legal_basis": "",
            "acceptance_conditions": "", "materials": [], "fee": "不收费",
            "fee_basis": "", "fee_amount": None, "fee_unit": "", "approval_level": "county",
            "long_decision_reason": "", "correction_pauses": False, "commitment_system": False,
            "licence_validity_years": 0}
MATERIAL_DEFAULTS = {"required": False, "deferrable": False, "copies": 1}

# Chinese names of fields and values: the spreadsheet headers, the 办事指南 and the pages
# (which pass them through gettext) all use these.
LABELS = {
    "code": "实施编码", "basic_code": "基本编码", "name": "事项名称", "department": "实施部门",
    "kind": "办件类型", "category": "事项类型", "service_object": "服务对象",
    "legal_days": "法定时限（工作日）", "promised_days": "承诺时限（工作日）",
    "overdue_default": "超时默认", "absent_default": "缺席默认", "joint_departments": "联办部门",
    "legal_basis": "设定依据", "acceptance_conditions": "受理条件", "materials": "申请材料",
    "fee": "收费标准", "fee_basis": "收费依据",
    "fee_amount": "收费金额（元）",  # a fixed fee, or with fee_unit the rate per unit
    "fee_unit": "计费单位", "approval_level": "审批层级", "process_key": "流程标识",
    "long_decision_reason": "延长审批的原因",  # seed 004: else decided within 2 working days
    "correction_pauses": "补正暂停计时",  # a 补正 after acceptance stops the clock (case_clock)
    "commitment_system": "告知承诺制",  # decided on a 承诺书, checked afterwards (commitments)
    "licence_validity_years": "证照有效期（年，0 为长期有效）",  # 电子证照 (cases.licences)
}
KIND_LABELS = {"instant": "即办件", "promise": "承诺件", "joint": "联办件", "report": "上报件"}
CATEGORY_LABELS = {"licensing": "行政许可", "public_service": "公共服务",
                   "other": "其他行政权力"}
LEVEL_LABELS = {"county": "县级", "city": "市级", "province": "省级"}
REASON_LABELS = {"": "无（2 个工作日内决定）", **LONG_DECISION_REASONS}
VALUE_LABELS = {**KIND_LABELS, **CATEGORY_LABELS, **LEVEL_LABELS, **LONG_DECISION_REASONS}

# Codes appear in URLs (/api/items/<code>), so no slashes or spaces.
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


def _text(max_length: int, min_length: int = 0) -> dict:
    return {"type": "string", "minLength": min_length, "maxLength": max_length}


_MATERIAL_SCHEMA = {
    "type": "object", "required": ["code", "name"], "additionalProperties": False,
    "properties": {"code": _text(64, 1), "name": _text(200, 1), "required": {"type": "boolean"},
                   "deferrable": {"type": "boolean"},
                   "copies": {"type": "integer", "minimum": 1, "maximum": 99}},
}
_DAYS = {"type": ["number", "string"]}  # forms and spreadsheets send numbers as text
_SHAPE = Draft202012Validator({
    "type": "object", "required": list(REQUIRED), "additionalProperties": False,
    "properties": {
        "code": {**_text(64, 1), "pattern": CODE_PATTERN}, "basic_code": _text(64, 1),
        "name": _text(200, 1), "department": _text(32, 1), "kind": {"enum": list(ITEM_KINDS)},
        "category": {"enum": list(ITEM_CATEGORIES)}, "service_object": _text(64),
        "legal_days": _DAYS, "promised_days": _DAYS,
        **{flag: {"type": "boolean"} for flag in FLAGS},
        "joint_departments": {"type": "array", "items": _text(32, 1)},
        "legal_basis": _text(20000), "acceptance_conditions": _text(20000),
        "materials": {"type": "array", "items": _MATERIAL_SCHEMA, "maxItems": 100},
        "fee": _text(200), "fee_basis": _text(2000),
        "fee_amount": {"type": ["number", "string", "null"]}, "fee_unit": _text(20),
        "approval_level": {"enum": list(APPROVAL_LEVELS)},
        "process_key": _text(100, 1), "long_decision_reason": {"enum": list(REASON_LABELS)},
        "licence_validity_years": {"type": ["integer", "string"]},  # text from forms, cells
    },
})


# --- reading -------------------------------------------------------------------------------

def find_current(code: str) -> Item | None:
    return db.session.scalar(sa.select(Item).where(Item.code == code,
                                                   Item.superseded_at.is_(None)))


def current(code: str) -> Item:
    item = find_current(code)
    if item is None:
        raise NotFound(f"item {code} is not in the catalog", code="item_not_found",
                       message=_l("事项目录中没有编码为 %(code)s 的现行事项。", code=code))
    return item


def history(code: str) -> list[Item]:
    """Every version of a code, oldest first, a withdrawn item's too."""
    versions = list(db.session.scalars(sa.select(Item).where(Item.code == code)
                                       .order_by(Item.version)))
    if not versions:
        raise NotFound(f"item {code} was never in the catalog", code="item_not_found")
    return versions


def version(code: str, number: int) -> Item:
    item = db.session.scalar(sa.select(Item).where(Item.code == code, Item.version == number))
    if item is None:
        raise NotFound(f"item {code} has no version {number}", code="item_version_not_found",
                       message=_l("事项 %(code)s 没有第 %(number)s 版。", code=code, number=number))
    return item


def listing(department_id: int | None = None, kind: str | None = None,
            include_superseded: bool = False, q: str | None = None) -> list[Item]:
    if kind and kind not in ITEM_KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(ITEM_KINDS)}", code="invalid_kind")
    stmt = sa.select(Item).order_by(Item.code, Item.version)
    if not include_superseded:
        stmt = stmt.where(Item.superseded_at.is_(None))
    if department_id is not None:
        stmt = stmt.where(Item.department_id == department_id)
    if kind:
        stmt = stmt.where(Item.kind == kind)
    if q and q.strip():
        needle = q.strip().lower()
        stmt = stmt.where(sa.or_(sa.func.lower(Item.name).contains(needle, autoescape=True),
                                 sa.func.lower(Item.code).contains(needle, autoescape=True)))
    return list(db.session.scalars(stmt))


def department_by_code(code: str) -> Department:
    department = db.session.scalar(sa.select(Department).where(Department.code == code))
    if department is None:
        raise NotFound(f"department {code} does not exist", code="department_not_found")
    return department


def as_fields(item: Item) -> dict:
    """One version in the input shape of create/revise: for forms, exports and comparison."""
    fields = {name: getattr(item, name) for name in FIELDS if name != "department"}
    fields["department"] = item.department.code
    fields["joint_departments"] = list(item.joint_departments)
    fields["materials"] = [_material(m) for m in item.materials]
    return fields


# --- validation ----------------------------------------------------------------------------

def validate(fields: dict, department_codes: set[str] | None = None) -> dict:
    """The fields cleaned (trimmed, defaults filled, days as Decimal), or InvalidInput
    listing every problem. `department_codes` spares an import one query per row."""
    if department_codes is None:
        department_codes = set(db.session.scalars(sa.select(Department.code)))
    fields = _prepared(fields)
    problems = _shape_problems(fields)
    bad = {p["field"].split("/")[0] for p in problems}
    problems += _rule_problems(fields, bad, department_codes)
    if problems:
        raise InvalidInput(f"{len(problems)} problem(s) in the item", code="invalid_item",
                           errors=problems)
    return _cleaned(fields)


def _prepared(fields: dict) -> dict:
    """Trimmed strings, defaults for what is absent. None and "" count as absent: an empty
    form input or spreadsheet cell means "not given"."""
    trimmed = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    return {**DEFAULTS, **{k: v for k, v in trimmed.items() if v not in (None, "")}}


def _shape_problems(fields: dict) -> list[dict]:
    problems = []
    for error in _SHAPE.iter_errors(fields):
        path = "/".join(str(p) for p in error.absolute_path)
        for name, message in _explain(error):
            problems.append({"field": "/".join(filter(None, (path, name))), "message": message})
    return _unique(problems)


def _explain(error) -> list[tuple[str, str]]:
    """(field below the error's path, Chinese message) pairs for one jsonschema error."""
    kind, value = error.validator, error.validator_value
    if kind == "required":
        return [(name, "必填") for name in value if name not in error.instance]
    if kind == "additionalProperties":
        known = error.schema.get("properties", {})
        return [(name, "未知字段") for name in error.instance if name not in known]
    return [("", _MESSAGES.get(kind, lambda _: error.message)(value))]


_MESSAGES = {  # jsonschema validator -> Chinese message from the validator's value
    "type": lambda _: "类型不正确",
    "enum": lambda allowed: "须为以下之一：" + "、".join(
        f"{v}（{VALUE_LABELS[v]}）" if v in VALUE_LABELS else str(v) for v in allowed),
    "minLength": lambda _: "必填",
    "maxLength": lambda limit: f"不能超过 {limit} 个字符",
    "pattern": lambda _: "只能包含字母、数字、点、下划线和连字符，且以字母或数字开头",
    "minimum": lambda limit: f"不能小于 {limit}",
    "maximum": lambda limit: f"不能大于 {limit}",
    "maxItems": lambda limit: f"最多 {limit} 项",
}


def _unique(problems: list[dict]) -> list[dict]:
    seen, result = set(), []
    for problem in problems:
        key = (problem["field"], problem["message"])
        if key not in seen:
            seen.add(key)
            result.append(problem)
    return result


def _rule_problems(fields: dict, bad: set[str], department_codes: set[str]) -> list[dict]:
    """Cross-field rules, run on the fields whose shape is right."""
    problems = _days_problems(fields, bad)
    if "department" not in bad and fields["department"] not in department_codes:
        problems.append({"field": "department",
                         "message": f"部门 {fields['department']} 不存在"})
    if "joint_departments" not in bad:
        problems += _joint_problems(fields, department_codes)
    if "materials" not in bad:
        problems += field_rules.material_problems(fields["materials"])
    if "fee_amount" not in bad:
        problems += field_rules.fee_problems(fields)
    if "licence_validity_years" not in bad \
            and field_rules.validity_years(fields["licence_validity_years"]) is None:
        problems.append({"field": "licence_validity_years", "message": "应为 0 至 100 的整数"})
    return problems


def _days_problems(fields: dict, bad: set[str]) -> list[dict]:
    problems = [{"field": name, "message": message} for name in ("legal_days", "promised_days")
                if name not in bad and (message := days_problem(fields[name]))]
    if not problems and not bad & {"legal_days", "promised_days"}:
        legal, promised = parse_days(fields["legal_days"]), parse_days(fields["promised_days"])
        if promised > legal:
            problems.append({"field": "promised_days",
                             "message": f"承诺时限不能超过法定时限（{legal} 个工作日）"})
    return problems


def split_joint(entry: str) -> tuple[str, Decimal | None]:
    """A joint department entry: its code, and its own limit when one is given ("HEA:7")."""
    code, _, days = entry.partition(":")
    return code.strip(), parse_days(days) if days.strip() else None


def _joint_problems(fields: dict, department_codes: set[str]) -> list[dict]:
    entries = fields["joint_departments"]
    problems = []
    for entry in entries:
        code, days = split_joint(entry)
        if code not in department_codes:
            problems.append({"field": "joint_departments", "message": f"部门 {code} 不存在"})
        elif ":" in entry and (message := days_problem(entry.partition(":")[2])):
            problems.append({"field": "joint_departments", "message": f"{code} 的时限{message}"})
        elif days is not None and not days_problem(fields["legal_days"]) \
                and days > parse_days(fields["legal_days"]):
            problems.append({"field": "joint_departments",
                             "message": f"{code} 的时限不能超过法定时限"})
    if fields.get("kind") == JOINT and not entries:
        problems.append({"field": "joint_departments", "message": "联办件必须指定联办部门"})
    return problems


def _material(material: dict) -> dict:
    return {"code": material["code"], "name": material["name"],
            **{k: material.get(k, default) for k, default in MATERIAL_DEFAULTS.items()}}


def _cleaned(fields: dict) -> dict:
    clean = dict(fields)
    clean["legal_days"] = parse_days(fields["legal_days"])
    clean["promised_days"] = parse_days(fields["promised_days"])
    clean["joint_departments"] = list(dict.fromkeys(fields["joint_departments"]))
    clean["materials"] = [_material(m) for m in fields["materials"]]
    if fields["fee_amount"] is not None:
        clean["fee_amount"] = money.to_yuan(money.to_fen(fields["fee_amount"]))
    clean["licence_validity_years"] = field_rules.validity_years(fields["licence_validity_years"])
    return clean


# --- writing -------------------------------------------------------------------------------

def create(fields: dict, actor: Actor) -> Item:
    permissions.require_admin(actor)
    clean = validate(fields)
    _begin_write()
    item = add_version(clean, actor)
    db.session.commit()
    return item


def revise(code: str, fields: dict, actor: Actor) -> Item:
    """A new version from the changed fields; with no actual change, the current version."""
    permissions.require_admin(actor)
    if fields.get("code", code) != code:
        raise InvalidInput("the code of an item cannot change", code="invalid_item",
                           errors=[{"field": "code", "message": "实施编码不能修改"}])
    existing = current(code)
    clean = validate({**as_fields(existing), **fields, "code": code})
    if clean == as_fields(existing):
        return existing
    _begin_write()
    item = add_version(clean, actor, replacing=existing)
    db.session.commit()
    return item


def retire(code: str, actor: Actor) -> Item:
    permissions.require_admin(actor)
    item = current(code)
    _begin_write()
    _supersede(item)
    audit.record(actor, "item.retired", code=code, version=item.version)
    db.session.commit()
    return item


def _begin_write() -> None:
    # Imported late: execution -> effects -> cases -> catalog would otherwise be a cycle.
    from app.services.workflow import execution
    execution.begin_write()


def add_version(clean: dict, actor: Actor, replacing: Item | None = None) -> Item:
    """Insert a validated version (no commit): the successor of `replacing`, or a new code.
    A code retired earlier comes back with the version after its last one."""
    if replacing is not None:
        _supersede(replacing)
    elif find_current(clean["code"]) is not None:
        raise Conflict(f"item {clean['code']} already exists; revise it instead",
                       code="item_exists")
    last = db.session.scalar(sa.select(sa.func.max(Item.version))
                             .where(Item.code == clean["code"])) or 0
    values = {k: v for k, v in clean.items() if k != "department"}
    item = Item(**values, version=last + 1, created_by=actor.user_id,
                department=department_by_code(clean["department"]))
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "item.revised" if replacing else "item.created", code=item.code,
                 version=item.version)
    return item


def _supersede(item: Item) -> None:
    """Mark the version superseded, unless someone else did since we read it."""
    now = utcnow()
    done = db.session.execute(sa.update(Item).where(Item.id == item.id,
                                                    Item.superseded_at.is_(None))
                              .values(superseded_at=now)
                              .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict(f"item {item.code} was changed meanwhile; reload and try again",
                       code="item_changed")
    item.superseded_at = now
