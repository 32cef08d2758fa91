"""Demo data for the embedded default (demo only: every password is 'demo')."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from app.models import Center, Department, Item, Membership, User, db
from app.models.catalog import INSTANT, PROMISE
from app.models.identity import (APPROVING_LEADER, CENTER_ADMIN, CHIEF_REPRESENTATIVE,
                                 PROCESS_DESIGNER, WINDOW_CLERK)

DEMO_PASSWORD = "demo"

DEPARTMENTS = [("MSA", "县市场监督管理局"), ("NRP", "县自然资源和规划局"), ("HRS", "县人力资源和社会保障局")]

USERS = [  # username, name, [(role, department code)]
    ("admin", "中心管理员 王敏", [(CENTER_ADMIN, None)]),
    ("designer", "流程设计员 李想", [(PROCESS_DESIGNER, None)]),
    ("clerk", "窗口人员 张丽", [(WINDOW_CLERK, "MSA"), (WINDOW_CLERK, "NRP")]),
    ("leader", "分管领导 赵刚", [(APPROVING_LEADER, "MSA"), (APPROVING_LEADER, "NRP")]),
    ("chief", "首席代表 陈静", [(CHIEF_REPRESENTATIVE, "MSA")]),
]

_MATERIALS = [{"code": "application_form", "name": "申请书", "required": True},
              {"code": "id_card", "name": "身份证明", "required": True},
              {"code": "premises_proof", "name": "经营场所证明", "required": True},
              {"code": "photos", "name": "场所照片", "required": False}]

ITEMS = [  # code, name, department, kind, legal, promised, 超时默认
    ("MSA-001", "个体工商户设立登记", "MSA", INSTANT, 15, 0, False),
    ("MSA-002", "食品经营许可证核发", "MSA", PROMISE, 20, 10, True),
    ("NRP-001", "乡村建设规划许可证核发", "NRP", PROMISE, 20, 12, False),
    ("HRS-001", "就业失业登记证明", "HRS", INSTANT, 5, 0, False),
]


def load(center_code: str) -> bool:
    """Insert the demo organization and catalog once; returns False if already present."""
    if db.session.scalar(sa.select(User).where(User.username == "admin")) is not None:
        return False
    center = Center(code=center_code, name="县政务服务中心", level="county")
    db.session.add(center)
    db.session.flush()
    departments = {code: Department(code=code, name=name, center_id=center.id)
                   for code, name in DEPARTMENTS}
    db.session.add_all(departments.values())
    db.session.flush()
    for username, name, roles in USERS:
        user = User(username=username, display_name=name, email=None)
        user.set_password(DEMO_PASSWORD)
        user.memberships = [Membership(role=role, department_id=departments[d].id if d else None)
                            for role, d in roles]
        db.session.add(user)
    for code, name, dept, kind, legal, promised, deemed in ITEMS:
        db.session.add(Item(code=code, basic_code=code.split("-")[0] + "00000", name=name,
                            department_id=departments[dept].id, kind=kind,
                            legal_days=Decimal(legal), promised_days=Decimal(promised),
                            overdue_default=deemed, materials=_MATERIALS,
                            legal_basis="《中华人民共和国行政许可法》", process_key="service_item"))
    db.session.commit()
    return True
