"""电子证照: a concluded approval produces its licence (国务院令第716号 arts. 10–11: the same
legal effect as paper; 行政许可法 art. 44: issued with the decision).

Issued once per case when it concludes approved (准予, or 超时默认 deemed approval), in the
competent department's name: a number of its own 证 sequence per year, like its documents
(姚市监证〔2026〕3号), the holder, the item, the issue date and the validity the item's
catalog entry gives (licence_validity_years; 0 is 长期有效). A licence is later revoked
(已撤销, e.g. a 告知承诺 found untrue) or cancelled (已注销) with a reason, audited."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.models import Case, IssuedDocument, Licence, db, utcnow
from app.models.delivery import CANCELLED, LICENCE_STATUS_LABELS, REVOKED, VALID
from app.models.identity import APPROVING_LEADER
from app.services import calendar
from app.services.cases import documents
from app.services.organization import routing
from app.services.workflow import audit
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, Forbidden, InvalidInput, NotFound

APPROVALS = ("approve", "deemed_approved")
DOCUMENT_KIND = "licence"  # its IssuedDocument: the number, fixed at issue
MAX_REASON = 2000


@dataclass(frozen=True)
class PublicLicence:
    """What the public pages show of a licence: no holder beyond what they already show."""
    number: str
    valid_from: date
    valid_until: date | None  # None: 长期有效
    status: str  # valid / revoked / cancelled


def public(licence: Licence | None) -> PublicLicence | None:
    if licence is None:
        return None
    return PublicLicence(licence.number, licence.valid_from, licence.valid_until, licence.status)


def of_case(instance_id: int) -> Licence | None:
    return db.session.scalar(sa.select(Licence).where(Licence.instance_id == instance_id))


def issue_on_approval(case: Case, actor: Actor, *, made_by: int | None = None,
                      made_under: str = "") -> Licence | None:
    """The case's licence when it concluded approved (idempotent); None for any other end.
    Who may make it (制证权) is certificates.py's to decide."""
    if case.decision not in APPROVALS:
        return None
    return of_case(case.instance_id) or issue(case, actor, case.concluded_at or utcnow(),
                                              made_by=made_by, made_under=made_under)


def issue(case: Case, actor: Actor, at, *, made_by: int | None = None,
          made_under: str = "") -> Licence:
    """Make the licence of an approval (concluded, or decided and about to be delivered)."""
    document: IssuedDocument = documents.issue(case, DOCUMENT_KIND, "licence", at)
    valid_from = calendar.to_local(at).date()
    licence = Licence(instance_id=case.instance_id, item_id=case.item_id,
                      department_id=document.department_id, number=document.number,
                      holder=case.applicant_name, issued_at=at, valid_from=valid_from,
                      valid_until=valid_until(valid_from, case.item.licence_validity_years),
                      made_by=made_by, made_under=made_under)
    db.session.add(licence)
    db.session.flush()
    audit.record(actor, "licence.issued", instance_id=case.instance_id, number=licence.number,
                 valid_until=licence.valid_until.isoformat() if licence.valid_until else None,
                 made_by=made_by, made_under=made_under or None)
    return licence


def valid_until(valid_from: date, years: int | None) -> date | None:
    """The last day of a validity of `years` (a calendar period, not working days: a licence
    granted 2026-03-02 for 5 years is valid through 2031-03-01); None is long-term."""
    if not years:
        return None
    try:
        anniversary = valid_from.replace(year=valid_from.year + years)
    except ValueError:  # granted on 29 February: the anniversary is 1 March
        anniversary = date(valid_from.year + years, 3, 1)
    return date.fromordinal(anniversary.toordinal() - 1)


def validity_text(licence: Licence) -> str:
    """有效期限 as a licence prints it."""
    if licence.valid_until is None:
        return f"自{_date(licence.valid_from)}起长期有效"
    return f"{_date(licence.valid_from)}至{_date(licence.valid_until)}"


def _date(day: date) -> str:
    return day.strftime("%Y年%m月%d日")


def status_label(licence: Licence) -> str:
    return LICENCE_STATUS_LABELS[licence.status]


def revoke_licence(case: Case, actor: Actor, reason: str) -> Licence:
    """已撤销 (行政许可法 art. 69): the caller's transaction; no commit here."""
    return _end(case, actor, reason, REVOKED)


def cancel_licence(case: Case, actor: Actor, reason: str) -> Licence:
    """已注销 (行政许可法 art. 70): the caller's transaction; no commit here."""
    return _end(case, actor, reason, CANCELLED)


def _end(case: Case, actor: Actor, reason: str, status: str) -> Licence:
    licence = of_case(case.instance_id)
    if licence is None:
        raise NotFound(f"case {case.instance_id} has no licence", code="licence_not_found")
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise InvalidInput("a reason (at most 2000 characters) is required",
                           code="licence_reason_required",
                           errors=[{"field": "reason", "message": "required"}])
    if licence.status != VALID:
        raise Conflict(f"licence {licence.number} is {licence.status} already",
                       code="licence_not_valid")
    licence.status, licence.status_reason = status, reason
    licence.status_changed_at, licence.status_changed_by = utcnow(), actor.user_id
    audit.record(actor, f"licence.{status}", instance_id=case.instance_id,
                 number=licence.number, reason=reason)
    return licence


def end_from_page(case: Case, actor: Actor, reason: str, status: str) -> Licence:
    """The case page's form: an administrator or the department's approving leader."""
    leaders = {u.id for u in routing.holders(APPROVING_LEADER, case.item.department_id)}
    if not (actor.user.is_admin or actor.user_id in leaders):
        raise Forbidden("only an administrator or the department's approving leader may "
                        "revoke or cancel a licence", code="not_licence_authority")
    if status not in (REVOKED, CANCELLED):
        raise InvalidInput(f"unknown licence status {status!r}", code="licence_status_invalid",
                           errors=[{"field": "status", "message": "revoked or cancelled"}])
    licence = _end(case, actor, reason, status)
    db.session.commit()
    return licence
