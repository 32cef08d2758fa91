"""The item catalog as a spreadsheet: export to CSV or XLSX, import from either.

Layout: one item per row under one header row. Export writes every column, in this order,
as "中文名 (key)", e.g. "实施编码 (code)". Import takes the columns in any order and
recognizes a header by its key ("code"), its Chinese name ("实施编码") or both as exported;
only the code column is mandatory. A column that is left out keeps the current values of
the items being revised (and the defaults of new ones); an empty cell means empty.

    code, basic_code, name, department (department code), kind, category, service_object,
    legal_days, promised_days, overdue_default, absent_default, joint_departments,
    legal_basis, acceptance_conditions, materials, fee, fee_basis, fee_amount, fee_unit,
    approval_level, process_key, long_decision_reason, correction_pauses, commitment_system,
    licence_validity_years

Sample forms (示范文本, 空白表格) are files, not cells: they are uploaded on the item's page
(app/services/catalog/samples.py) and neither exported nor imported here.

Cell values (export writes the Chinese form, import accepts both):
- kind: 即办件 / 承诺件 / 联办件 / 上报件 (instant / promise / joint / report);
  category: 行政许可 / 公共服务 / 其他行政权力 (licensing / public_service / other);
  approval_level: 县级 / 市级 / 省级 (county / city / province);
  long_decision_reason (why the department may take more than 2 working days, seed 004):
  现场踏勘 / 专家论证 / 前置审批 / 上报上级 / 特殊事项 (site_survey / expert_review /
  prior_approval / higher_level / special), an empty cell for none.
- yes/no columns: 是 / 否 (also true/false, yes/no, 1/0); an empty cell is 否.
- legal_days, promised_days: working days in steps of 0.5, e.g. 20 or 2.5.
- fee_amount: the 收费标准 in 元 to the cent (12.50), empty when the text alone states it;
  fee_unit: the 计费单位 when fee_amount is a rate per unit (张), else empty.
- licence_validity_years: whole years the licence (电子证照) is valid, 0 for 长期有效.
- joint_departments: department codes separated by ";" (also "；", "," or "、").
- materials: one cell, materials separated by ";" (or line breaks), each
  code:name:required-or-optional:deferrable-or-empty:copies, e.g.
  "application_form:申请书:required:deferrable:1;photos:场所照片:optional::1".
  必要/非必要 and 容缺 work too; copies default to 1. A cell starting with "[" is read as
  JSON: [{"code", "name", "required", "deferrable", "copies"}] (export uses JSON only when
  a code or name contains ":" or ";").

CSV is written as UTF-8 with a byte-order mark so Excel shows the Chinese; import also reads
GB18030, which Excel on Chinese Windows writes. Text cells starting with = + - @ are written
as text (a leading ' in CSV) so spreadsheet programs do not run them as formulas; import
drops that '.

Import is all or nothing: every row is parsed and validated (catalog.validate) first; any
problem in any row raises InvalidInput listing them all as {"row", "field", "message"},
row being the spreadsheet row number (the header is row 1). Otherwise each row creates a
new code, revises a changed item or is skipped when identical, in one transaction.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from openpyxl import Workbook, load_workbook

from app.models import Department, Item, db
from app.services import catalog
from app.services.workflow import audit, execution, permissions
from app.services.workflow.actor import Actor
from app.services.workflow.errors import InvalidInput

COLUMNS = catalog.FIELDS
MAX_ROWS = 5000  # a county catalog has a few hundred items; more is a wrong file
MAX_COLUMNS = 60
ENUM_LABELS = {"kind": catalog.KIND_LABELS, "category": catalog.CATEGORY_LABELS,
               "approval_level": catalog.LEVEL_LABELS,
               "long_decision_reason": catalog.LONG_DECISION_REASONS}
FLAGS = catalog.FLAGS
YES, NO = {"是", "true", "yes", "y", "1", "√"}, {"否", "false", "no", "n", "0", ""}
REQUIRED_WORDS = (YES | {"required", "必要", "必需", "必须"}, NO | {"optional", "非必要", "可选"})
DEFERRABLE_WORDS = (YES | {"deferrable", "容缺", "可容缺"}, NO | {"不容缺", "不可容缺"})
FORMULA_START = ("=", "+", "-", "@")
XLSX_MAGIC, XLS_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"


# --- export ----------------------------------------------------------------------------------

def header(key: str) -> str:
    return f"{catalog.LABELS[key]} ({key})"


def export_rows() -> list[list]:
    """The header and one row per current item; days stay numbers, the rest is text."""
    rows = [[header(key) for key in COLUMNS]]
    for item in catalog.listing():
        fields = catalog.as_fields(item)
        rows.append([_export_cell(key, fields[key]) for key in COLUMNS])
    return rows


def _export_cell(key: str, value):
    if key in ENUM_LABELS:
        return ENUM_LABELS[key].get(value, value)
    if key in FLAGS:
        return "是" if value else "否"
    if key in ("legal_days", "promised_days"):
        return int(value) if value == value.to_integral_value() else float(value)
    if key == "joint_departments":
        return ";".join(value)
    if key == "materials":
        return format_materials(value)
    return value


def export_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in export_rows():
        writer.writerow(["'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v
                         for v in row])
    return out.getvalue().encode("utf-8-sig")


def export_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "事项目录"
    for row in export_rows():
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would store "=..." as a formula
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def format_materials(materials: list[dict], separator: str = ";") -> str:
    if any(re.search("[:;：；\n]", m["code"] + m["name"]) for m in materials):
        return json.dumps(materials, ensure_ascii=False)
    return separator.join(
        f"{m['code']}:{m['name']}:{'required' if m['required'] else 'optional'}:"
        f"{'deferrable' if m['deferrable'] else ''}:{m['copies']}" for m in materials)


# --- reading cells -------------------------------------------------------------------------

def parse_materials(text: str) -> tuple[list, str | None]:
    """Materials from the one-cell format (or JSON); the error message, if any."""
    text = text.strip()
    if text.startswith("["):
        try:
            value = json.loads(text)
        except ValueError:
            return [], "JSON 格式有误"
        return (value, None) if isinstance(value, list) else ([], "JSON 应为数组")
    materials = []
    for number, part in enumerate(_split(text, ";；\n"), 1):
        material, problem = _material(part)
        if problem:
            return [], f"第 {number} 项材料：{problem}"
        materials.append(material)
    return materials, None


def _split(text: str, separators: str) -> list[str]:
    return [p.strip() for p in re.split(f"[{separators}]", text) if p.strip()]


def _material(text: str) -> tuple[dict, str | None]:
    pieces = [p.strip() for p in re.split("[:：]", text)]
    if not 2 <= len(pieces) <= 5:
        return {}, "格式应为 编码:名称:必要或可选:容缺:份数"
    code, name, required, deferrable, copies = pieces + [""] * (5 - len(pieces))
    flags = _flag(required, REQUIRED_WORDS), _flag(deferrable, DEFERRABLE_WORDS)
    if None in flags:
        return {}, "必要或可选、容缺的写法无法识别"
    if copies and not copies.isdecimal():
        return {}, "份数应为正整数"
    return {"code": code, "name": name, "required": flags[0], "deferrable": flags[1],
            "copies": int(copies or 1)}, None


def _flag(text: str, words: tuple[set, set]) -> bool | None:
    text = text.strip().lower()
    return True if text in words[0] else False if text in words[1] else None


def _parse_cell(key: str, text: str) -> tuple[object, str | None]:
    """A cell's value in catalog input form; None stands for an empty required value."""
    if key in ENUM_LABELS:
        by_label = {label: value for value, label in ENUM_LABELS[key].items()}
        return by_label.get(text, text) or None, None
    if key in FLAGS:
        value = _flag(text, (YES, NO))
        return value, None if value is not None else "应为 是 或 否"
    if key == "joint_departments":
        return _split(text, ";；,，、"), None
    if key == "materials":
        return parse_materials(text)
    return text or None, None


# --- reading files ---------------------------------------------------------------------------

def _file_error(message: str, detail: str) -> InvalidInput:
    return InvalidInput(detail, code="import_file_invalid",
                        errors=[{"row": None, "field": "file", "message": message}])


def read_table(filename: str, data: bytes) -> list[tuple[int, list[str]]]:
    """(spreadsheet row number, cell texts) of every non-blank row, header first."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if len(data) > limit:
        raise _file_error(f"文件超过 {limit // 1024} KB", "the file is too large")
    if data.startswith(XLSX_MAGIC):
        rows = _xlsx_rows(data)
    elif data.startswith(XLS_MAGIC):
        raise _file_error("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV",
                          "legacy .xls is not supported; send .xlsx or .csv")
    elif filename.lower().endswith(".csv"):
        rows = _csv_rows(data)
    else:
        raise _file_error("只能导入 .xlsx 或 .csv 文件", "send an .xlsx or a .csv file")
    table = [(n, cells) for n, raw in rows if any(cells := [_unquote(c) for c in raw])]
    if len(table) > MAX_ROWS + 1:
        raise _file_error(f"一次最多导入 {MAX_ROWS} 行", "too many rows")
    return table


def _unquote(text: str) -> str:
    text = text.strip()
    return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_START else text


def _csv_rows(data: bytes):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _file_error("CSV 文件的编码无法识别，请使用 UTF-8", "undecodable CSV")
    reader = csv.reader(io.StringIO(text, newline=""))
    return [(number, row[:MAX_COLUMNS]) for number, row in enumerate(reader, 1)]


def _xlsx_rows(data: bytes):
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - a damaged file raises any of a dozen library errors
        raise _file_error("无法读取该 XLSX 文件", "not a readable .xlsx file") from None
    try:
        sheet = book.worksheets[0]
        return [(number, [_xlsx_text(v) for v in row]) for number, row in
                enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS,
                                          max_row=MAX_ROWS + 2), 1)]
    finally:
        book.close()


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- import ----------------------------------------------------------------------------------

@dataclass
class _Row:
    clean: dict
    existing: Item | None


def import_file(filename: str, data: bytes, actor: Actor) -> dict:
    """Create, revise or skip every row; nothing at all when any row is wrong."""
    permissions.require_admin(actor)
    table = read_table(filename, data)
    execution.begin_write()  # the rows are compared with the catalog we then write to
    try:
        rows = _plan(table)
    except InvalidInput:
        db.session.rollback()  # give up the write lock now: pages render the errors first
        raise
    summary = {"created": 0, "revised": 0, "unchanged": 0}
    for row in rows:
        if row.existing is None:
            catalog.add_version(row.clean, actor)
            summary["created"] += 1
        elif row.clean == catalog.as_fields(row.existing):
            summary["unchanged"] += 1
        else:
            catalog.add_version(row.clean, actor, replacing=row.existing)
            summary["revised"] += 1
    audit.record(actor, "catalog.imported", filename=filename, **summary)
    db.session.commit()
    return summary


def _plan(table: list[tuple[int, list[str]]]) -> list[_Row]:
    if not table:
        raise _file_error("文件中没有数据", "the file is empty")
    (header_row, header_cells), *body = table
    columns, errors = _columns(header_row, header_cells)
    department_codes = set(db.session.scalars(sa.select(Department.code)))
    first_row_of: dict[str, int] = {}
    planned = []
    for number, cells in body:
        row, row_errors = _plan_row(cells, columns, department_codes)
        code = row.clean["code"] if row else _cell(cells, columns, "code")
        if code and code in first_row_of:
            row_errors.append({"field": "code", "message": f"与第 {first_row_of[code]} 行编码重复"})
        first_row_of.setdefault(code, number)
        errors += [{"row": number, **e} for e in row_errors]
        planned.append(row)
    if errors:
        raise InvalidInput(f"{len(errors)} problem(s) in the file; nothing was imported",
                           code="import_invalid", errors=errors)
    return planned


def _columns(number: int, cells: list[str]) -> tuple[dict[int, str], list[dict]]:
    """Column index -> field key, and problems with the header row."""
    columns, errors = {}, []
    for index, text in enumerate(cells):
        if not text:
            continue
        key = _header_key(text)
        if key is None or key in columns.values():
            message = "无法识别的列" if key is None else "重复的列"
            errors.append({"row": number, "field": text, "message": message})
        else:
            columns[index] = key
    if "code" not in columns.values():
        raise InvalidInput("the header has no code column", code="import_invalid",
                           errors=[*errors, {"row": number, "field": "code",
                                             "message": "缺少“实施编码 (code)”列"}])
    return columns, errors


# Chinese names, with or without their parenthesized note ("法定时限（工作日）", "法定时限").
_BY_NAME = {name: key for key, label in catalog.LABELS.items()
            for name in (label, re.sub(r"[（(].*?[）)]", "", label))}


def _header_key(text: str) -> str | None:
    """The field of a header cell: "实施编码 (code)", "code" or "实施编码"."""
    match = re.search(r"[(（]\s*([a-z_]+)\s*[)）]\s*$", text)
    if match and match.group(1) in COLUMNS:
        return match.group(1)
    return text.lower() if text.lower() in COLUMNS else _BY_NAME.get(text)


def _cell(cells: list[str], columns: dict[int, str], key: str) -> str:
    index = next(i for i, k in columns.items() if k == key)
    return cells[index] if index < len(cells) else ""


def _plan_row(cells, columns, department_codes) -> tuple[_Row | None, list[dict]]:
    parsed, errors = {}, []
    for index, key in columns.items():
        value, problem = _parse_cell(key, cells[index] if index < len(cells) else "")
        if problem:
            errors.append({"field": key, "message": problem})
        else:
            parsed[key] = value
    existing = catalog.find_current(parsed["code"]) if parsed.get("code") else None
    base = catalog.as_fields(existing) if existing else {}
    try:
        clean = catalog.validate({**base, **parsed}, department_codes)
    except InvalidInput as err:
        failed = {e["field"] for e in errors}
        errors += [e for e in err.errors if e["field"].split("/")[0] not in failed]
        return None, errors
    return (_Row(clean, existing), []) if not errors else (None, errors)
