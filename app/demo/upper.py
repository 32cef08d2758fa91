"""The demo's city and province centers, served by the same deployment as the county.

They handle the county's 上报件 (三级联动): 楚雄州 decides building-company qualifications and
county-crossing passenger transport, and passes maternal-health licences on to 云南省.
Each level has its own departments, staff and item versions, found by the shared 基本编码.
"""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from app.demo import data, staff_records
from app.models import Center, Department, Item, Membership, User, db
from app.models.catalog import LICENSING, REPORT
from app.models.identity import APPROVING_LEADER, WINDOW_CLERK

DEPARTMENTS = [  # center code, department code, name, staff: (username, display name, role)
    ("532300", "CX_HCD", "州住房和城乡建设局",
     [("cx_hcd_leader", "州住建局分管领导 李建国", APPROVING_LEADER),
      ("cx_hcd_clerk", "州住建局窗口人员 马琳", WINDOW_CLERK)]),
    ("532300", "CX_TRA", "州交通运输局",
     [("cx_tra_leader", "州交通局分管领导 杨志强", APPROVING_LEADER)]),
    ("532300", "CX_HEA", "州卫生健康委员会",
     [("cx_hea_leader", "州卫健委分管领导 普丽华", APPROVING_LEADER)]),
    ("530000", "YN_HEA", "省卫生健康委员会",
     [("yn_hea_leader", "省卫健委分管领导 段云飞", APPROVING_LEADER)]),
]
# The county item each upper item answers for, its 承诺时限 there, and where it is decided.
ITEMS = [  # department, county item, promised days, approval level
    ("CX_HCD", "HCD-004", 15, "city"), ("CX_TRA", "TRA-004", 15, "city"),
    ("CX_HEA", "HEA-003", 10, "province"), ("YN_HEA", "HEA-003", 15, "province"),
]


def load(password: str) -> None:
    centers = {c.code: c for c in db.session.scalars(sa.select(Center))}
    departments, people = {}, []
    for center_code, code, name, staff in DEPARTMENTS:
        department = Department(code=code, name=name, center_id=centers[center_code].id)
        db.session.add(department)
        db.session.flush()
        departments[code] = department
        for username, title, role in staff:
            user = User(username=username, display_name=title, active=True)
            user.set_password(password)
            user.memberships = [Membership(role=role, department_id=department.id)]
            db.session.add(user)
            people.append(user)
    staff_records.add_for(people, "黔执法-2700")
    county_items = {row[0]: row for row in data.ITEMS}
    for department, county_code, promised, level in ITEMS:
        _, name, _, _, legal, _, materials, _, _ = county_items[county_code]
        prefix = department.split("_")[0]
        db.session.add(Item(
            code=f"{prefix}-{county_code}", basic_code=data.basic_code(county_code), name=name,
            department_id=departments[department].id, kind=REPORT, category=LICENSING,
            service_object="企业法人", legal_days=Decimal(legal),
            promised_days=Decimal(promised), legal_basis=data.LAW[county_code.split("-")[0]],
            materials=data.MATERIALS[materials], acceptance_conditions="下级初审后报送",
            approval_level=level, process_key="three_level_review"))
