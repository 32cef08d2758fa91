"""差评 closed loop: 整改 by the unit that handled the case, 回访 by the center, 申诉复核."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import AuditEvent, db
from app.services import calendar
from app.services.evaluation import figures, rating, rectification
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, Forbidden
from tests.conftest import headers_for, user
from tests.evaluation.steps import concluded_case, csrf


def _bad_rating(client, level: int = 1):
    case = concluded_case(client)
    evaluation = rating.rate(case, level, ["convenience"], "材料要求反复", "sms")
    return case, evaluation, evaluation.rectification


def _post(client, username: str, path: str, **data):
    token = csrf(client, "/login")
    return client.post(path, data={"csrf_token": token, **data}, headers=headers_for(username))


def test_a_bad_rating_opens_a_rectification_due_in_15_working_days(client, app):
    case, evaluation, row = _bad_rating(client)
    assert row.department_id == case.item.department_id and row.state == "open"
    assert row.due_at == calendar.add_working_days(row.opened_at, 15)
    assert app.config["RECTIFICATION_WORKING_DAYS"] == 15


def test_rectify_then_follow_up_on_the_staff_page(client):
    case, evaluation, row = _bad_rating(client)
    page = client.get("/evaluations", headers=headers_for("clerk"))
    assert page.status_code == 200 and "材料要求反复" in page.text and "报送整改情况" in page.text
    assert "记录回访" not in page.text
    response = _post(client, "clerk", f"/evaluations/{row.id}/report", text="已对窗口人员批评教育")
    assert response.status_code == 303
    db.session.refresh(row)
    assert row.state == "rectified" and row.on_time
    refused = _post(client, "clerk", f"/evaluations/{row.id}/follow-up", text="满意")
    assert refused.status_code == 403
    page = client.get("/evaluations", headers=headers_for("admin"))
    assert "记录回访" in page.text
    response = _post(client, "admin", f"/evaluations/{row.id}/follow-up", text="申请人表示满意")
    assert response.status_code == 303
    db.session.refresh(row)
    assert row.state == "followed_up" and row.follow_up == "申请人表示满意"
    actions = list(db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.instance_id == case.instance_id, AuditEvent.action.like("rectification.%"))))
    assert actions == ["rectification.opened", "rectification.reported",
                       "rectification.followed_up"]
    empty = _post(client, "admin", f"/evaluations/{row.id}/follow-up", text="")
    assert empty.status_code == 409  # already followed up


def test_an_empty_report_is_refused_on_the_page(client):
    case, evaluation, row = _bad_rating(client)
    response = _post(client, "clerk", f"/evaluations/{row.id}/report", text="  ")
    assert response.status_code == 400 and "请填写说明内容" in response.text


def test_an_upheld_appeal_is_not_counted(client):
    case, evaluation, row = _bad_rating(client)
    month = figures.current_month()
    [before] = figures.monthly(month, "department")
    assert (before.count, before.bad) == (1, 1)
    rectification.appeal(row, user("clerk"), "申请人将其他部门的问题评价至本件", Actor.of(user("clerk")))
    with pytest.raises(Forbidden):
        rectification.decide_appeal(row, user("clerk"), True, "成立", Actor.of(user("clerk")))
    rectification.decide_appeal(row, user("admin"), True, "经核实属误评", Actor.of(user("admin")))
    assert row.state == "appeal_upheld" and evaluation.counted is False
    assert figures.monthly(month, "department") == []
    assert not rectification.overdue(row, row.due_at + timedelta(days=30))


def test_a_refused_appeal_goes_back_to_rectification(client):
    case, evaluation, row = _bad_rating(client)
    response = _post(client, "clerk", f"/evaluations/{row.id}/appeal", text="评价有误")
    assert response.status_code == 303
    response = _post(client, "admin", f"/evaluations/{row.id}/appeal-decision",
                     upheld="no", text="评价属实")
    assert response.status_code == 303
    db.session.refresh(row)
    assert row.state == "open" and row.evaluation.counted
    with pytest.raises(Conflict):
        rectification.follow_up(row, user("admin"), "x", Actor.of(user("admin")))


def test_an_overdue_rectification_is_marked(client, frozen_clock):
    case, evaluation, row = _bad_rating(client)
    assert not rectification.overdue(row)
    frozen_clock.move_to(row.due_at + timedelta(hours=1))
    assert rectification.overdue(row)
    page = client.get("/evaluations", headers=headers_for("admin"))
    assert "整改逾期" in page.text
    rectification.report(row, user("clerk"), "迟报整改", Actor.of(user("clerk")))
    assert not row.on_time
    [row_figures] = figures.monthly(figures.current_month(), "department")
    assert (row_figures.rectifications, row_figures.on_time) == (1, 0)


def test_a_late_rectification_is_escalated_once_to_the_center_and_the_units_leaders(
        client, frozen_clock):
    from app.models import Notification
    from app.models.identity import APPROVING_LEADER, CENTER_ADMIN
    case, evaluation, row = _bad_rating(client)
    assert rectification.escalate_overdue() == 0  # not due yet
    frozen_clock.move_to(row.due_at + timedelta(hours=1))
    assert rectification.escalate_overdue() == 1
    told = {n.recipient_user_id for n in db.session.scalars(sa.select(Notification).where(
        Notification.kind == "rectification.overdue"))}
    leaders = {u.id for u in db.session.scalars(sa.select(type(user("clerk"))))
               if any(m.role == CENTER_ADMIN or (m.role == APPROVING_LEADER
                                                 and m.department_id == row.department_id)
                      for m in u.memberships)}
    assert told == leaders and user("admin").id in told and user("clerk").id not in told
    assert rectification.escalate_overdue() == 0  # once each
    history = client.get(f"/cases/{case.instance_id}", headers=headers_for("admin")).text
    assert "整改逾期，已通报中心及分管领导" in history


def test_the_follow_up_is_due_in_working_days_after_the_report_and_late_is_marked(
        client, frozen_clock):
    case, evaluation, row = _bad_rating(client)
    rectification.report(row, user("clerk"), "已对窗口人员进行培训", Actor.of(user("clerk")))
    assert row.follow_up_due_at == calendar.add_working_days(row.rectified_at, 5)
    assert not rectification.follow_up_late(row)
    frozen_clock.move_to(row.follow_up_due_at + timedelta(hours=1))
    assert rectification.follow_up_late(row)
    page = client.get("/evaluations", headers=headers_for("admin")).text
    assert "回访逾期" in page and "回访期限" in page
    rectification.follow_up(row, user("admin"), "申请人表示满意", Actor.of(user("admin")))
    assert rectification.follow_up_late(row)  # recorded, but after its due time


def test_a_pending_appeal_is_not_escalated_as_the_units_lateness(client, frozen_clock):
    case, evaluation, row = _bad_rating(client)
    rectification.appeal(row, user("clerk"), "恶意差评", Actor.of(user("clerk")))
    frozen_clock.move_to(row.due_at + timedelta(hours=1))
    assert rectification.escalate_overdue() == 0


def test_staff_of_another_unit_may_not_report(client):
    case, evaluation, row = _bad_rating(client)
    outsider = next(u for u in db.session.scalars(sa.select(type(user("clerk"))))
                    if u.memberships and not u.is_admin
                    and all(m.department_id != row.department_id for m in u.memberships))
    with pytest.raises(Forbidden):
        rectification.report(row, outsider, "x", Actor.of(outsider))
