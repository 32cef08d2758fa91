"""Demo data for the embedded default (demo only: every password is 'demo')."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.demo import appointments as demo_appointments
from app.demo import committee as demo_committee
from app.demo import data
from app.demo import forms as demo_forms
from app.demo import seals as demo_seals
from app.demo import staff_records as demo_staff_records
from app.demo import upper as demo_upper
from app.models import (AuthorizationLetter, Center, Department, DepartmentSeal, Item,
                        LetterItem, Membership, Post, SampleForm, User, Window, db)
from app.models.authorization import ACTIVE, MANAGEMENT_POWERS, REPLACED
from app.models.catalog import LICENSING
from app.models.identity import (AGENT, APPROVING_LEADER, CASHIER, CENTER_ADMIN, INTEGRATOR,
                                 CHIEF_REPRESENTATIVE, COMMITTEE_MEMBER, COUNTY_APPROVER,
                                 PROCESS_DESIGNER, SUPERVISOR, WINDOW_CLERK)
from app.services import calendar, organization
from app.services.authorization import renewal as letter_renewal
from app.services.workflow.actor import Actor
from app.services.workflow.errors import ServiceError

DEMO_PASSWORD = "demo"
SHORT_NAMES = {"MSA": {"a": "clerk", "chief": "chief", "leader": "leader"}}


def load(center_code: str, today: date | None = None) -> bool:
    """Insert the demo organization, catalog and letters once; False if already present.

    The letters cover the calendar year of `today` (default: the real today)."""
    if db.session.scalar(sa.select(User).where(User.username == "admin")) is not None:
        return False
    county = _centers(center_code)
    departments = {code: Department(code=code, name=name, center_id=county.id,
                                    document_code=data.DOCUMENT_CODES[code])
                   for code, name in data.DEPARTMENTS}
    db.session.add_all(departments.values())
    db.session.flush()
    _seals(departments.values())
    users = _users(departments)
    demo_staff_records.add_for(list(users.values()), "黔执法-2722")
    _windows(county, departments, users)
    _items(departments)
    _sample_forms()
    _appointments(departments, users, today or calendar.today())
    _letters(departments, users, today or calendar.today())
    demo_committee.seat()
    demo_upper.load(DEMO_PASSWORD)
    db.session.commit()
    return True


def _centers(county_code: str) -> Center:
    """Province, city and county centers; the county one is this deployment's CENTER_CODE."""
    made: dict[str, Center] = {}
    for code, name, level, region, parent in data.CENTERS:
        center = Center(code=county_code if level == "county" else code, name=name,
                        level=level, region=region,
                        parent_id=made[parent].id if parent else None)
        if level == "county":
            for key, value in data.COUNTY_CONTACT.items():
                setattr(center, key, value)
        db.session.add(center)
        db.session.flush()
        made[code] = center
    return made[data.CENTERS[-1][0]]


def username(department: str, post: str) -> str:
    return SHORT_NAMES.get(department, {}).get(post, f"{department.lower()}_{post}")


def _users(departments: dict[str, Department]) -> dict[str, User]:
    people = [("admin", "中心管理员 王敏", [(CENTER_ADMIN, None)]),
              ("designer", "流程设计员 李想", [(PROCESS_DESIGNER, None)]),
              ("county", "县政府审批负责人 周正", [(COUNTY_APPROVER, None)]),
              ("supervisor", "效能监察员 赵清", [(SUPERVISOR, None)]),
              ("agent", "代办员 孙立", [(AGENT, None)]),
              ("cashier", "结算窗口收费员 钱多", [(CASHIER, None)]),
              ("portal", "一网通办平台（对接系统）", [(INTEGRATOR, None)])]
    people += [(name, title, [(COMMITTEE_MEMBER, "NRP")]) for name, title in data.COMMITTEE]
    for code, (a, b, chief, leader) in data.STAFF_NAMES.items():
        people += [(username(code, "a"), f"窗口人员 {a}", [(WINDOW_CLERK, code)]),
                   (username(code, "b"), f"窗口人员 {b}", [(WINDOW_CLERK, code)]),
                   (username(code, "chief"), f"首席代表 {chief}", [(CHIEF_REPRESENTATIVE, code)]),
                   (username(code, "leader"), f"分管领导 {leader}", [(APPROVING_LEADER, code)])]
    people.append(("edu_former", data.FORMER_CHIEF[2], []))
    users = {}
    for name, title, roles in people:
        user = User(username=name, display_name=title, active=name != "edu_former")
        user.set_password(DEMO_PASSWORD)
        user.memberships = [Membership(role=r, department_id=departments[d].id if d else None)
                            for r, d in roles]
        users[name] = user
    users["clerk"].memberships.append(Membership(role=WINDOW_CLERK,
                                                 department_id=departments["NRP"].id))
    db.session.add_all(users.values())
    db.session.flush()
    return users


def _windows(county: Center, departments: dict[str, Department], users: dict[str, User]) -> None:
    for code, name, kind, served, posts in data.WINDOWS:
        window = Window(center_id=county.id, code=code, name=name, kind=kind,
                        departments=[departments[d] for d in served])
        window.posts = [Post(name=post, a_user_id=users[a].id, b_user_id=users[b].id)
                        for post, a, b in posts]
        db.session.add(window)


def _items(departments: dict[str, Department]) -> None:
    for code, name, kind, category, legal, promised, materials, deemed, joint in data.ITEMS:
        department = code.split("-")[0]
        db.session.add(Item(
            code=code, basic_code=data.basic_code(code), name=name,
            approval_level=data.APPROVAL_LEVEL.get(code, "county"),
            long_decision_reason=data.LONG_DECISION_REASON.get(code, ""),
            department_id=departments[department].id, kind=kind, category=category,
            service_object="自然人" if materials == "person" else "企业法人、个体工商户",
            legal_days=Decimal(legal), promised_days=Decimal(promised), overdue_default=deemed,
            absent_default=bool(joint), joint_departments=joint,
            legal_basis=data.LAW[department], materials=data.MATERIALS[materials],
            acceptance_conditions="申请材料齐全、符合法定形式",
            process_key=data.PROCESS_FOR_KIND[kind], **_fee(code, category)))


def _fee(code: str, category: str) -> dict:
    fee, basis = data.FEES.get(code, ("不收费", data.FREE_LICENSING if category == LICENSING
                                      else ""))
    return {"fee": fee, "fee_basis": basis}


def _seals(departments) -> None:
    image = demo_seals.png()
    for department in departments:
        seal = DepartmentSeal(department_id=department.id)
        seal.store("seal.png", "image/png", image, None)
        db.session.add(seal)


def _sample_forms() -> None:
    """The 空白表格 and 示范文本 the public guides offer for download (forms.FORMS)."""
    for code, material, kind, filename, title, fields in demo_forms.FORMS:
        form = SampleForm(item_code=code, material_code=material, kind=kind)
        form.store(filename, "application/pdf",
                   demo_forms.pdf(title, fields, sample=kind == "sample"), None)
        db.session.add(form)


def _appointments(departments: dict[str, Department], users: dict[str, User], today: date) -> None:
    code, former, _, reason = data.FORMER_CHIEF
    demo_appointments.add({c: users[username(c, "chief")] for c in data.STAFF_NAMES}, departments,
                          (code, users[former]), reason, _replacement_day(today))


def _replacement_day(today: date) -> date:
    """The day EDU's chief changed (人事调整): March 1st, or today if that is still to come."""
    return min(date(today.year, 3, 1), today)


def _letters(departments: dict[str, Department], users: dict[str, User], today: date) -> None:
    """Signed in December for the calendar year (原则上一年一签), filed with the center."""
    year = today.year
    for code, powers in data.LETTERS.items():
        db.session.add(_letter(code, departments[code], users[username(code, "chief")],
                               powers, date(year, 1, 1), f"{code}授〔{year}〕1号"))
    _replaced_letter(departments, users, year, _replacement_day(today))


def _letter(code: str, department: Department, grantee: User, powers: dict,
            valid_from: date, number: str) -> AuthorizationLetter:
    year = valid_from.year
    return AuthorizationLetter(
        number=number, department_id=department.id, grantee_id=grantee.id,
        issuer=f"{department.name}局长", issued_on=min(valid_from, date(year - 1, 12, 20)),
        filed_on=min(valid_from, date(year - 1, 12, 28)), valid_from=valid_from,
        valid_until=date(year, 12, 31), management_powers=list(MANAGEMENT_POWERS),
        responsibilities="被授权人代表本部门行使上述职权，所产生的法律责任由本部门承担；不得再行委托。",
        items=[LetterItem(item_code=item, powers=list(granted))
               for item, granted in powers.items()],
        # The leading group (领导小组, seed 001 art. 10) agreed the one-stop list beforehand.
        group_consent_on=min(valid_from, date(year - 1, 12, 15)),
        group_consent_ref=f"首席服务员制工作领导小组会议纪要〔{year - 1}〕12号")


def _replaced_letter(departments: dict[str, Department], users: dict[str, User], year: int,
                     day: date) -> None:
    code, former, _, reason = data.FORMER_CHIEF
    current = db.session.scalar(sa.select(AuthorizationLetter).where(
        AuthorizationLetter.department_id == departments[code].id))
    old = _letter(code, departments[code], users[former], data.LETTERS[code],
                  date(year, 1, 1), current.number)
    current.number = f"{code}授〔{year}〕2号"
    old.status, old.end_reason, old.ended_on = REPLACED, reason, day
    old.ended_at = datetime.combine(day, time(9), calendar.local_zone())
    current.valid_from = current.issued_on = current.filed_on = day
    db.session.add(old)
    db.session.flush()
    old.replaced_by_id = current.id


def renew_lapsed_letters(today: date | None = None) -> tuple[list[AuthorizationLetter], list[str]]:
    """On a demo database made in an earlier year (setup runs this every time): renew, for
    the calendar year of `today`, each demo department's latest letter whose term ended
    before today, through the renewal service as the system, so routing and the 授权率
    report work on any date. A department whose latest letter was revoked or replaced, or
    that has one in force, is left as it is. Returns the new letters and the refusals."""
    today = today or calendar.today()
    renewed, refused = [], []
    for department in demo_departments():
        latest = db.session.scalar(
            sa.select(AuthorizationLetter)
            .where(AuthorizationLetter.department_id == department.id,
                   AuthorizationLetter.status != REPLACED)  # its successor is the latest
            .order_by(AuthorizationLetter.valid_until.desc(), AuthorizationLetter.id.desc())
            .limit(1))
        if latest is None or latest.status != ACTIVE or latest.renewed_by_id is not None \
                or latest.valid_until >= today:
            continue
        term = {"valid_from": max(date(today.year, 1, 1), latest.valid_until + timedelta(days=1)),
                "valid_until": date(today.year, 12, 31)}
        try:
            renewed.append(letter_renewal.renew(latest.id, term, Actor.system("setup")))
        except ServiceError as err:  # e.g. its chief representative left: say so, go on
            db.session.rollback()
            refused.append(f"{department.code}: {err.detail}")
    return renewed, refused


def demo_departments() -> list[Department]:
    """The county departments the demo issues letters for (the upper levels issue none)."""
    county = organization.home_center()
    if county is None:
        return []
    return list(db.session.scalars(sa.select(Department).where(
        Department.center_id == county.id, Department.code.in_(data.LETTERS))
        .order_by(Department.code)))
