"""首问登记: a window logs each enquiry under the staff member first asked, answered on the spot
or referred to the window that handles it; units read their own, the center every unit's."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AuditEvent, Enquiry, db
from tests.conftest import headers_for, user

MORNING = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MORNING, tick=False):
        yield


def _log(client, username: str, **form):
    return client.post("/enquiries", headers=headers_for(username), data=form)


def test_an_answer_and_a_referral_are_logged_under_the_first_receiver(client):
    answered = _log(client, "nrp_a", question="农村建房需要哪些材料", outcome="answered",
                    answer="告知材料清单并发放办事指南")
    assert answered.status_code == 303
    referred = _log(client, "nrp_a", visitorName="王五", question="营业执照怎么办",
                    outcome="referred", referredTo="市场监管窗口（1号窗口）")
    assert referred.status_code == 303
    rows = db.session.scalars(sa.select(Enquiry).order_by(Enquiry.id)).all()
    assert [(r.first_receiver_id, r.outcome, r.referred_to) for r in rows] == [
        (user("nrp_a").id, "answered", ""), (user("nrp_a").id, "referred", "市场监管窗口（1号窗口）")]
    assert rows[0].department.code == "NRP"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "enquiry.recorded")) == 2
    page = client.get("/enquiries", headers=headers_for("nrp_a")).text
    assert "引导至市场监管窗口（1号窗口）" in page and "09:30" in page


def test_a_referral_names_where_and_bad_input_is_refused_whole(client):
    refused = _log(client, "nrp_a", question="营业执照怎么办", outcome="referred")
    assert refused.status_code == 400 and "营业执照怎么办" in refused.text
    assert _log(client, "nrp_a", question="", outcome="maybe").status_code == 400
    # the MSA clerk also serves NRP: the unit answered for is asked, and must be theirs
    two_units = _log(client, "clerk", question="问", outcome="answered")
    assert two_units.status_code == 400
    hcd = db.session.scalar(sa.text("SELECT id FROM department WHERE code = 'HCD'"))
    assert _log(client, "clerk", question="问", outcome="answered",
                departmentId=str(hcd)).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enquiry)) == 0


def test_units_read_their_own_the_center_all_others_none(client):
    _log(client, "nrp_a", question="农村建房", outcome="answered")
    _log(client, "hcd_a", question="资质办理", outcome="answered")
    assert "资质办理" not in client.get("/enquiries", headers=headers_for("nrp_a")).text
    everything = client.get("/enquiries", headers=headers_for("supervisor")).text
    assert "资质办理" in everything and "农村建房" in everything
    assert client.get("/enquiries", headers=headers_for("designer")).status_code == 403
    assert _log(client, "supervisor", question="问", outcome="answered").status_code == 403
    assert "当日无咨询登记" in client.get("/enquiries?day=2026-03-01",
                                     headers=headers_for("supervisor")).text
    assert client.get("/enquiries?day=nonsense", headers=headers_for("nrp_a")).status_code == 200
