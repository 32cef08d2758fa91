"""The public catalog and publicity pages (行政许可法 arts. 30 and 40), without signing in.

Each test builds its own department, items, letters and cases, so the demo can change."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.models import Case, Item, ProcessDefinition, ProcessInstance, Window, db, utcnow
from app.models.catalog import INSTANT, JOINT, PROMISE
from app.models.identity import CHIEF_REPRESENTATIVE, WINDOW_CLERK
from app.models.organization import Post
from app.services import calendar
from app.services.authorization import group_consent, letters
from app.services.cases.public_results import is_credit_code, masked
from tests.authorization.test_letters import admin, letter_fields, make_department, make_user

MATERIALS = [
    {"code": "form", "name": "申请表", "required": True, "deferrable": False, "copies": 1},
    {"code": "lease", "name": "场地租赁合同", "required": True, "deferrable": True, "copies": 2},
    {"code": "photo", "name": "门头照片", "required": False, "deferrable": False, "copies": 1},
]


def item(department, code, *, kind=PROMISE, superseded=False, version=1, name=None, **extra):
    row = Item(code=code, basic_code=f"{code}-B", name=name or f"公开事项{code}",
               department_id=department.id, kind=kind, legal_days=Decimal(20),
               promised_days=Decimal(0 if kind == INSTANT else 5), process_key="service_item",
               version=version, legal_basis="《测试法》第十条", acceptance_conditions="依法设立",
               superseded_at=utcnow() if superseded else None,
               **{"materials": MATERIALS, "fee": "按《测试收费标准》每件 10 元", **extra})
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def unit(session):
    department = make_department("PC")
    item(department, "PC-001", version=1, superseded=True, name="旧版名称")
    item(department, "PC-001", version=2, name="食品经营许可")
    item(department, "PC-002", kind=INSTANT, name="个体工商户登记")
    item(department, "PC-003", superseded=True, name="已取消的事项")  # withdrawn
    return department


def test_the_list_shows_items_in_force_only(client, unit):
    page = client.get("/public/items?department=PC")
    assert page.status_code == 200
    assert "食品经营许可" in page.text and "个体工商户登记" in page.text
    assert "旧版名称" not in page.text and "已取消的事项" not in page.text
    assert "/public/items/PC-001" in page.text


def test_the_list_searches_by_name_or_code(client, unit):
    assert "个体工商户登记" in client.get("/public/items?q=个体").text
    by_code = client.get("/public/items?q=pc-001").text
    assert "食品经营许可" in by_code and "个体工商户登记" not in by_code
    assert client.get("/public/items?q=" + "x" * 500).status_code == 200
    assert client.get("/public/items?department=NOPE").status_code == 200


def test_a_guide_shows_what_article_30_requires(client, unit):
    window = Window(center_id=unit.center_id, code="12", name="市场监管窗口",
                    departments=[unit])
    db.session.add(window)
    db.session.flush()
    page = client.get("/public/items/PC-001")
    assert page.status_code == 200
    text = page.text
    for part in ("食品经营许可", "PC-001", unit.name, "《测试法》第十条", "依法设立", "申请表",
                 "场地租赁合同", "可容缺受理", "非必要", "每件 10 元", "20 个工作日",
                 "5 个工作日", "办理流程", "受理", "12 号窗口（市场监管窗口）", "办理地点"):
        assert part in text, part
    assert "旧版名称" not in text
    instant = client.get("/public/items/PC-002").text
    assert "当场办结" in instant
    other = make_department("PD")
    item(unit, "PC-004", kind=JOINT, joint_departments=["PD:3"], name="联办测试", fee="")
    joint = client.get("/public/items/PC-004").text
    assert other.name in joint and "联办部门" in joint and "未载明，请向窗口咨询" in joint


def test_an_unknown_or_withdrawn_code_is_404(client, unit):
    assert client.get("/public/items/NO-SUCH").status_code == 404
    assert client.get("/public/items/PC-003").status_code == 404


def test_authorizations_list_only_letters_in_force(client, unit):
    chief = make_user("pc_chief", CHIEF_REPRESENTATIVE, unit)
    chief.display_name, chief.phone = "李首席", "13912345678"
    a = make_user("pc_a", WINDOW_CLERK, unit)
    b = make_user("pc_b", WINDOW_CLERK, unit)
    a.display_name, b.display_name = "王甲", "赵乙"
    window = Window(center_id=unit.center_id, code="13", name="公开测试窗口", departments=[unit])
    window.posts = [Post(name="食品岗", a_user_id=a.id, b_user_id=b.id)]
    db.session.add(window)
    today = calendar.today()
    old = letters.issue(letter_fields(unit, chief, {"PC-001": ["acceptance"]}, number="旧授〔1〕号",
                                      start=today - timedelta(days=400),
                                      end=today - timedelta(days=40)), admin())
    letters.issue(letter_fields(unit, chief, {"PC-001": ["acceptance", "approval"]},
                                number="现授〔2〕号", start=today - timedelta(days=30),
                                end=today + timedelta(days=300)), admin())
    letters.issue(letter_fields(unit, chief, {"PC-001": ["acceptance"]}, number="来授〔3〕号",
                                start=today + timedelta(days=301),
                                end=today + timedelta(days=600)), admin())  # not yet
    other = make_department("PE")
    other_chief = make_user("pe_chief", CHIEF_REPRESENTATIVE, other)
    item(other, "PE-001")
    revoked = letters.issue(letter_fields(other, other_chief, {"PE-001": ["acceptance"]},
                                          number="撤授〔4〕号", start=today - timedelta(days=10),
                                          end=today + timedelta(days=100)), admin())
    letters.revoke(revoked.id, "人员调整", admin())
    page = client.get("/public/authorizations")
    assert page.status_code == 200
    text = page.text
    assert "现授〔2〕号" in text and old.number not in text
    assert "来授〔3〕号" not in text and "撤授〔4〕号" not in text
    assert "李首席" in text and "审核审批权" in text and "食品经营许可" in text
    assert (today + timedelta(days=300)).isoformat() in text
    assert "王甲" in text and "赵乙" in text and "食品岗" in text
    [line] = [li for li in text.split("<li>") if "（PC-001）" in li]
    assert "一人受理" not in line  # acceptance and approval, no delivery: not one-stop


def _published_line(client, code: str) -> str:
    text = client.get("/public/authorizations").text
    [line] = [li for li in text.split("<li>") if f"（{code}）" in li]
    return line


def test_the_officers_one_stop_items_are_published(client, unit):
    """Seed 001: the items the chief service officer takes from intake to delivery himself,
    once the leading group (领导小组) has consented to his list."""
    chief = make_user("po_chief", CHIEF_REPRESENTATIVE, unit)
    today = calendar.today()
    letter = letters.issue(
        letter_fields(unit, chief, {"PC-001": ["acceptance", "approval", "delivery"]},
                      number="站授〔5〕号", start=today - timedelta(days=1),
                      end=today + timedelta(days=100)), admin())
    assert "一人受理" not in _published_line(client, "PC-001")
    group_consent.record(letter.id, {"consent_on": today - timedelta(days=3),
                                     "minutes": "领导小组纪要〔1〕号"}, admin())
    assert "首席代表一人受理、全程服务、一次办结" in _published_line(client, "PC-001")
    text = client.get("/public/authorizations").text
    assert "pc_chief" not in text and "13912345678" not in text


def _case(department_item, number, name, status, id_number="530325199001011234"):
    definition = db.session.scalar(sa.select(ProcessDefinition).limit(1))
    instance = ProcessInstance(definition_id=definition.id)
    db.session.add(instance)
    db.session.flush()
    case = Case(case_no=number, instance_id=instance.id, item_id=department_item.id,
                applicant_name=name, applicant_id_number=id_number,
                applicant_phone="13800001111", status_code=status,
                concluded_at=utcnow() if status in (11, 12, 13) else None,
                decision={11: "approve", 13: "deny"}.get(status))
    db.session.add(case)
    db.session.flush()
    return case


def test_decisions_show_approvals_only_and_mask_persons(client, unit):
    current = db.session.scalar(sa.select(Item).where(Item.code == "PC-001",
                                                      Item.superseded_at.is_(None)))
    _case(current, "PUB-0001", "张小三", 11)
    _case(current, "PUB-0002", "李四", 13)  # not approved
    _case(current, "PUB-0003", "王五", 3)  # still under way
    _case(current, "PUB-0004", "姚安县某某餐饮有限公司", 12, id_number="91532325MA6K8XY105")
    _case(current, "PUB-0005", "某某合作社", 11, id_number=None)  # cannot tell: masked
    page = client.get("/public/decisions?department=PC")
    assert page.status_code == 200
    text = page.text
    assert "PUB-0001" in text and "张*三" in text and "张小三" not in text
    assert "PUB-0002" not in text and "PUB-0003" not in text
    assert "530325199001011234" not in text and "13800001111" not in text
    assert "食品经营许可" in text and unit.name in text
    assert "姚安县某某餐饮有限公司" in text and "91532325MA6K8XY105" not in text
    assert "某***社" in text
    assert client.get("/public/decisions?page=abc").status_code == 200
    assert client.get("/public/decisions?page=99").status_code == 200


def test_names_are_masked_unless_a_valid_credit_code_says_organization():
    assert masked("张三") == "张*" and masked("张小三") == "张*三" and masked("欧阳小明") == "欧**明"
    assert is_credit_code("91350100M000100Y43")
    assert not is_credit_code("91350100M000100Y44")
    assert not is_credit_code("530325199001011234")


def test_the_pages_answer_without_signing_in_in_both_languages(client, unit):
    for path in ("/public/items", "/public/items/PC-001", "/public/authorizations",
                 "/public/decisions"):
        for lang in ("zh", "en"):
            response = client.get(f"{path}?lang={lang}")
            assert response.status_code == 200, (path, lang)
            assert "退出" not in response.text
