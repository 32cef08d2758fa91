"""People and where they sit: departments, staff and their roles."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.models.base import db, utcnow

# Role keys, used as BPMN lane names.
WINDOW_CLERK = "window_clerk"  # 窗口人员
CHIEF_REPRESENTATIVE = "chief_representative"  # 首席代表 / 首席服务员
APPROVING_LEADER = "approving_leader"  # 分管领导
COMMITTEE_MEMBER = "committee_member"  # 审批决策委员会成员
CENTER_ADMIN = "center_admin"  # 中心管理员
PROCESS_DESIGNER = "process_designer"  # 流程设计员
# The county government's approver of a joint case's 15 extra days (行政许可法 art. 42).
COUNTY_APPROVER = "county_approver"  # 县政府审批负责人
# The center's 效能监察 (seed 004): sees every unit's figures, records violations, checks
# case files (案卷抽查) and duty; never handles a case.
SUPERVISOR = "supervisor"  # 效能监察员
# The center's 代办窗口 (seed 002 art. 41): takes investment and major projects across items
# and departments on the applicant's mandate (全程代办); never decides a case.
AGENT = "agent"  # 代办员
# 一口式收费 (seed 004): the center's settlement window takes every fee; only it records one.
CASHIER = "cashier"  # 结算窗口收费员
# The account of another system (一网通办 portal, 12345 hotline) reading the case events feed;
# it handles no case and sees no task.
INTEGRATOR = "integrator"  # 对接系统
# A department's liaison with the center (联络员, seed 002 art. 14): receives what the center
# tells the department (a letter about to end, a 代办 reminder, a person sent back); handles
# no case and sees no task.
LIAISON_OFFICER = "liaison_officer"  # 联络员
# The window's head (窗口负责人, seed 004: 必须是负责审批的科室负责人; seed 002 art. 20: may hold
# the A post too): told of what concerns the window's staff (a person sent back).
WINDOW_HEAD = "window_head"  # 窗口负责人
# The center's coordinator (中心协调员, seed 002): decides what a joint case's lead window
# could not settle among departments before it goes to the county; without one the center's
# administrators do.
CENTER_COORDINATOR = "center_coordinator"  # 中心协调员
ROLES = (WINDOW_CLERK, CHIEF_REPRESENTATIVE, WINDOW_HEAD, APPROVING_LEADER, LIAISON_OFFICER,
         COMMITTEE_MEMBER, CENTER_ADMIN, CENTER_COORDINATOR, PROCESS_DESIGNER, COUNTY_APPROVER,
         SUPERVISOR, AGENT, CASHIER, INTEGRATOR)
DEPARTMENT_ROLES = (WINDOW_CLERK, CHIEF_REPRESENTATIVE, APPROVING_LEADER)  # held per department
DEPARTMENT_DUTIES = (WINDOW_HEAD, LIAISON_OFFICER)  # held per department, handling no case
# Not a role: a lane the routing rules resolve through authorization letters (授权书) to the
# chief representative or, without direct approval power, the department's approving leader.
APPROVER_LANE = "approver"
# Not a role either: a joint case's department branch goes to the department's chief
# representative when a letter in force grants liaison (参与联办), otherwise to its windows.
JOINT_DEPARTMENT_LANE = "joint_department"
# Lanes of the decision committee (审批决策委员会), not roles either: a member's vote goes to
# that member alone (votes are personal: never handed to a substitute), the chair's casting
# decision to the department committee's chair, or its executive vice chair while the chair
# is away.
COMMITTEE_VOTE_LANE = "committee_vote"
COMMITTEE_CHAIR_LANE = "committee_chair"


class Department(db.Model):  # 部门
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    center_id: Mapped[int] = mapped_column(sa.ForeignKey("center.id"))  # stationed in
    # 机关代字: what the department's document numbers begin with (姚市监); its name if empty.
    document_code: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    active: Mapped[bool] = mapped_column(default=True)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    active: Mapped[bool] = mapped_column(default=True)
    # Every session cookie and API token carries it; signing out or a new password raises it,
    # which ends every session and token issued before, on every device.
    session_epoch: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login: what the session cookie keeps
        return f"{self.id}:{self.session_epoch or 0}"

    def end_sessions(self) -> None:
        self.session_epoch = (self.session_epoch or 0) + 1

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, role: str, department_id: int | None = None) -> bool:
        return any(m.role == role and (department_id is None or m.department_id == department_id)
                   for m in self.memberships)

    @property
    def roles(self) -> set[str]:
        return {m.role for m in self.memberships}

    @property
    def is_admin(self) -> bool:
        return self.has_role(CENTER_ADMIN)

    @property
    def is_supervisor(self) -> bool:
        """Sees and acts on the whole center's 效能监察 (administrators may too)."""
        return self.has_role(SUPERVISOR) or self.is_admin

    @property
    def is_agent(self) -> bool:
        """Takes projects on as the center's 代办员 (administrators see and manage them all)."""
        return self.has_role(AGENT)

    @property
    def is_cashier(self) -> bool:
        """Works the center's settlement window (结算窗口): records payments and refunds."""
        return self.has_role(CASHIER)

    @property
    def is_designer(self) -> bool:
        """May deploy processes and use the designer's pages (administrators may too)."""
        return self.has_role(PROCESS_DESIGNER) or self.is_admin


class Membership(db.Model):
    """A role held by a user, optionally within one department."""

    __tablename__ = "membership"
    __table_args__ = (sa.UniqueConstraint("user_id", "role", "department_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(sa.String(40), index=True)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"))
    # For committee_member within a department: the seat on its decision committee
    # (app.models.committee.POSITIONS: chair, executive_vice_chair, vice_chair, member).
    committee_position: Mapped[str | None] = mapped_column(sa.String(24))
    user: Mapped[User] = relationship(back_populates="memberships")
