"""The year-end cliff of authorization letters (授权书): the 30-day warning, sent once; the
one-step renewal (续期) for the next term; setup keeping the demo's letters current.

The demo letters cover 2026 (conftest's DEMO_DAY), so the clock is frozen in 2026 and 2027
whatever day the suite runs on.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app import create_app, demo
from app.models import AuditEvent, AuthorizationLetter, Department, Notification, db
from app.models.outbox import IN_APP
from app.services import authorization
from app.services.authorization import expiry as letter_expiry
from app.services.authorization import letters
from app.services.authorization import renewal as letter_renewal
from app.services.cases import dashboard
from tests.cases.service_item_steps import ALL_MATERIALS, complete, open_task, start_case
from tests.conftest import headers_for, user
from workers import tasks

SHANGHAI = ZoneInfo("Asia/Shanghai")
API = "/api/authorization-letters"


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 30, tzinfo=SHANGHAI)


@pytest.fixture
def clock(session):
    """The first day the warning is due for the demo's letters (they end on 2026-12-31)."""
    with time_machine.travel(at(date(2026, 12, 1)), tick=False) as traveller:
        yield traveller


def _department(code: str) -> Department:
    return db.session.scalar(sa.select(Department).where(Department.code == code))


def _msa_letter() -> AuthorizationLetter:
    return authorization.valid_letter(_department("MSA").id, date(2026, 12, 1))


def _warnings_to(username: str, letter: AuthorizationLetter) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.recipient_user_id == user(username).id,
        Notification.kind == letter_expiry.KIND, Notification.channel == IN_APP,
        Notification.subject.contains(letter.number)))


def _renew(client, letter_id: int, username: str = "admin", **body):
    return client.post(f"{API}/{letter_id}/renew", json=body or None,
                       headers=headers_for(username))


# --- the warning ---------------------------------------------------------------------------

def test_the_warning_appears_30_days_before_the_end_and_not_31(client, clock):
    clock.move_to(at(date(2026, 11, 30)))  # 31 days left
    assert letter_expiry.ending_soon() == []
    page = client.get("/admin/dashboard", headers=headers_for("admin")).text
    assert "letters-ending-soon" not in page
    assert "即将到期" not in client.get("/admin/letters", headers=headers_for("admin")).text

    clock.move_to(at(date(2026, 12, 1)))  # 30 days left
    ending = {e.letter.number: e.days_left for e in dashboard.letters_ending_soon()}
    assert ending["MSA授〔2026〕1号"] == 30 and len(ending) == 8  # one per department
    assert "EDU授〔2026〕1号" not in ending  # replaced in March: no longer in force
    page = client.get("/admin/dashboard", headers=headers_for("admin")).text
    assert 'id="letters-ending-soon"' in page and "MSA授〔2026〕1号" in page
    assert f"/admin/letters/{_msa_letter().id}/renew" in page and "30 天" in page
    listing = client.get("/admin/letters", headers=headers_for("admin")).text
    assert "即将到期（剩 30 天）" in listing


def test_the_warning_is_sent_once_to_admins_and_the_departments_leaders(client, clock):
    letter = _msa_letter()
    assert letter_expiry.warn_expiring() == 8
    assert _warnings_to("admin", letter) == 1 and _warnings_to("leader", letter) == 1
    assert _warnings_to("nrp_leader", letter) == 0  # another department's leader
    assert _warnings_to("chief", letter) == 0 and _warnings_to("clerk", letter) == 0
    assert db.session.get(AuthorizationLetter, letter.id).expiry_warned_at is not None
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Notification))
    clock.move_to(at(date(2026, 12, 2)))
    tasks.warn_expiring_letters()  # beat's task: the second sweep sends nothing
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == before
    assert _warnings_to("admin", letter) == 1
    audited = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "letter.expiry_warned")).all()
    assert len([e for e in audited if e.detail["letter_id"] == letter.id]) == 1


def test_a_renewed_letter_is_no_longer_ending_soon(client, clock):
    letter = _msa_letter()
    assert _renew(client, letter.id).status_code == 201
    assert letter.id not in letter_expiry.days_left()
    assert letter_expiry.warn_expiring() == 7  # the other departments only
    assert _warnings_to("leader", letter) == 0


# --- renewing ------------------------------------------------------------------------------

def test_renewal_issues_the_next_calendar_year_with_the_same_grants(client, clock):
    old = _msa_letter()
    response = _renew(client, old.id)
    assert response.status_code == 201, response.json
    new = response.json
    assert (new["validFrom"], new["validUntil"]) == ("2027-01-01", "2027-12-31")
    assert new["number"] == "MSA授〔2027〕1号" and new["status"] == "active"
    assert new["granteeId"] == old.grantee_id and new["departmentId"] == old.department_id
    assert {i["itemCode"]: set(i["powers"]) for i in new["items"]} == {
        i.item_code: set(i.powers) for i in old.items}
    assert new["managementPowers"] == old.management_powers
    assert new["issuedOn"] == "2026-12-01" and new["validToday"] is False
    refreshed = client.get(f"{API}/{old.id}", headers=headers_for("admin")).json
    assert refreshed["renewedById"] == new["id"] and refreshed["validToday"] is True
    msa = _department("MSA").id
    assert authorization.valid_letter(msa, date(2026, 12, 31)).id == old.id
    assert authorization.valid_letter(msa, date(2027, 1, 1)).id == new["id"]
    renewed = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "letter.renewed"))
    assert renewed.detail["letter_id"] == old.id and renewed.detail["renewed_by"] == new["id"]
    assert renewed.actor_id == user("admin").id


def test_a_letter_is_renewed_once(client, clock):
    old = _msa_letter()
    assert _renew(client, old.id).status_code == 201
    again = _renew(client, old.id)
    assert again.status_code == 409 and again.json["code"] == "letter_already_renewed"
    assert again.mimetype == "application/problem+json"
    assert len(letters.history(_department("MSA").id)) == 2


def test_only_who_may_issue_letters_renews(client, clock):
    old = _msa_letter()
    refused = _renew(client, old.id, "clerk")
    assert refused.status_code == 403 and refused.json["code"] == "not_admin"
    assert _renew(client, old.id, "chief").status_code == 403
    assert db.session.get(AuthorizationLetter, old.id).renewed_by_id is None
    assert _renew(client, 999_999).status_code == 404


def test_the_number_and_term_may_be_chosen_but_not_overlap(client, clock):
    old = _msa_letter()
    overlapping = _renew(client, old.id, validFrom="2026-12-15")
    assert overlapping.status_code == 409 and overlapping.json["code"] == "letter_overlaps"
    bad = _renew(client, old.id, validTo="someday")
    assert bad.status_code == 400 and bad.json["errors"][0]["field"] == "validUntil"
    chosen = _renew(client, old.id, number="MSA授〔2027〕8号", validTo="2027-06-30")
    assert chosen.status_code == 201, chosen.json
    assert (chosen.json["number"], chosen.json["validUntil"]) == ("MSA授〔2027〕8号",
                                                                  "2027-06-30")


def test_the_next_term_keeps_the_length_of_the_old_one():
    assert letter_renewal.term_after(date(2027, 1, 1), date(2027, 12, 31)) == (
        date(2028, 1, 1), date(2028, 12, 31))  # 2028 is a leap year: still the calendar year
    assert letter_renewal.term_after(date(2026, 3, 1), date(2026, 12, 31)) == (
        date(2027, 1, 1), date(2027, 12, 31))  # the rest of a year (EDU's since March)
    assert letter_renewal.term_after(date(2026, 4, 1), date(2026, 6, 30)) == (
        date(2026, 7, 1), date(2026, 9, 30))  # a quarter
    assert letter_renewal.term_after(date(2026, 3, 10), date(2026, 3, 19)) == (
        date(2026, 3, 20), date(2026, 3, 29))  # ten days


# --- routing across the turn of the year ---------------------------------------------------

def _approval_of_a_new_case(client, accepted_by: str = "clerk"):
    """Accepted by the window under the letter's 受理决定权, or by the leader without one."""
    case_id = start_case(client, "MSA-001")["id"]
    complete(client, case_id, "intake", accepted_by, within_remit=True,
             materials_received=ALL_MATERIALS)
    task = open_task(case_id, "decide_on_spot")
    return task.candidate_role, task.assignee_id, task.authorization_letter_id


def test_with_a_renewal_the_chief_keeps_deciding_on_new_years_day(client, clock):
    old = _msa_letter()
    new_id = _renew(client, old.id).json["id"]
    chief = user("chief").id
    clock.move_to(at(date(2026, 12, 31)))
    assert _approval_of_a_new_case(client) == ("chief_representative", chief, old.id)
    clock.move_to(at(date(2027, 1, 1)))
    assert _approval_of_a_new_case(client) == ("chief_representative", chief, new_id)


def test_without_a_renewal_new_years_day_sends_approvals_to_the_leader(client, clock):
    old = _msa_letter()
    clock.move_to(at(date(2026, 12, 31)))
    assert _approval_of_a_new_case(client) == ("chief_representative", user("chief").id,
                                               old.id)
    clock.move_to(at(date(2027, 1, 1)))
    assert _approval_of_a_new_case(client, "leader") == ("approving_leader", None, None)


def test_an_approval_open_at_the_turn_of_the_year_passes_to_the_renewed_letter(client, clock):
    old = _msa_letter()
    new_id = _renew(client, old.id).json["id"]
    clock.move_to(at(date(2026, 12, 31)))
    case_id = start_case(client, "MSA-001")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    task = open_task(case_id, "decide_on_spot")
    assert task.authorization_letter_id == old.id
    clock.move_to(at(date(2027, 1, 1)))
    complete(client, case_id, "decide_on_spot", "chief", decision="approve")  # no 403
    db.session.refresh(task)
    assert task.state == "completed" and task.authorization_letter_id == new_id


# --- the confirmation page -------------------------------------------------------------------

def _sign_in(client, username: str) -> None:
    with client.session_transaction() as cookie_session:
        cookie_session["_user_id"], cookie_session["_fresh"] = user(username).get_id(), True


def test_the_confirmation_page_shows_the_successor_and_confirms_with_csrf(client, clock):
    old = _msa_letter()
    _sign_in(client, "admin")
    page = client.get(f"/admin/letters/{old.id}/renew")
    assert page.status_code == 200
    assert "续期授权书" in page.text and 'value="MSA授〔2027〕1号"' in page.text
    assert 'value="2027-01-01"' in page.text and 'value="2027-12-31"' in page.text
    assert "MSA-001" in page.text and "确认续期" in page.text
    english = client.get(f"/admin/letters/{old.id}/renew?lang=en")
    assert "Renew authorization letter" in english.text and "Confirm renewal" in english.text
    assert "续期授权书" not in english.text
    client.get("/admin/letters?lang=zh")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {"number": "MSA授〔2027〕1号", "valid_from": "2027-01-01",
            "valid_until": "2027-12-31"}
    assert client.post(f"/admin/letters/{old.id}/renew", data=form).status_code == 400
    assert db.session.get(AuthorizationLetter, old.id).renewed_by_id is None
    done = client.post(f"/admin/letters/{old.id}/renew", data={**form, "csrf_token": token})
    assert done.status_code == 302
    new_id = db.session.get(AuthorizationLetter, old.id).renewed_by_id
    assert done.headers["Location"].endswith(f"/admin/letters/{new_id}")
    detail = client.get(f"/admin/letters/{old.id}").text
    assert "已续期" in detail and "MSA授〔2027〕1号" in detail
    again = client.get(f"/admin/letters/{old.id}/renew")
    assert again.status_code == 409 and "already renewed" in again.text


def test_the_confirmation_page_reports_problems_with_the_form_kept(client, clock):
    old = _msa_letter()
    form = {"number": "", "valid_from": "2027-01-01", "valid_until": "2028-06-30"}
    page = client.post(f"/admin/letters/{old.id}/renew", data=form,
                       headers=headers_for("admin"))
    assert page.status_code == 400 and "未能续期" in page.text
    assert "文号: 请填写此项" in page.text and 'value="2028-06-30"' in page.text
    assert client.get(f"/admin/letters/{old.id}/renew",
                      headers=headers_for("clerk")).status_code == 403


# --- setup on a later year ---------------------------------------------------------------------

def _setup(flask_app):
    """`flask --app app setup`, as `make run` runs it."""
    with flask_app.app_context():
        result = flask_app.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def own_demo(tmp_path):
    """A demo database of its own, made by `setup` on 2026-06-01 as `make run` would."""
    flask_app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'demo.sqlite'}",
                            "SECRET_KEY": "test-secret",
                            "CELERY_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'b.sqlite'}"})
    with time_machine.travel(at(date(2026, 6, 1)), tick=False) as traveller:
        assert "renewed a demo letter" not in _setup(flask_app)
        yield flask_app, traveller
    with flask_app.app_context():
        db.engine.dispose()


def _in_force(flask_app, day: date) -> dict[str, str]:
    with flask_app.app_context():
        return {d.code: authorization.valid_letter(d.id, day).number
                for d in demo.demo_departments() if authorization.valid_letter(d.id, day)}


def test_setup_in_a_later_year_renews_the_demo_letters(own_demo):
    flask_app, traveller = own_demo
    assert len(_in_force(flask_app, date(2026, 6, 1))) == 8
    traveller.move_to(at(date(2027, 2, 1)))
    assert _in_force(flask_app, date(2027, 2, 1)) == {}
    assert _setup(flask_app).count("renewed a demo letter") == 8
    current = _in_force(flask_app, date(2027, 2, 1))
    assert current["MSA"] == "MSA授〔2027〕1号" and current["EDU"] == "EDU授〔2027〕2号"
    assert len(current) == 8 and _in_force(flask_app, date(2027, 12, 31)) == current
    with flask_app.app_context():
        renewed = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "letter.renewed")).all()
        assert len(renewed) == 8 and {e.actor for e in renewed} == {"system:setup"}
    assert "renewed a demo letter" not in _setup(flask_app)


def test_a_demo_database_two_years_behind_gets_this_years_letters(session):
    with time_machine.travel(at(date(2028, 3, 1)), tick=False):
        renewed, refused = demo.renew_lapsed_letters()
        assert refused == [] and len(renewed) == 8
        assert {(n.valid_from, n.valid_until) for n in renewed} == {
            (date(2028, 1, 1), date(2028, 12, 31))}
        assert demo.renew_lapsed_letters() == ([], [])
