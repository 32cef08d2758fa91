"""Every page, as every demo role sees it: no time in UTC, no English sentence on a Chinese
page. The crawl drives a few cases so that pages have times, then visits every GET page of
the url_map with its ids filled from real objects (and a few error pages)."""
from __future__ import annotations

import io
import re
from datetime import datetime, timezone
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from app.models import (AgencyProject, Attachment, AuthorizationLetter, HumanTask, Item,
                        Membership, User, db)
from app.models.base import UTCDateTime
from app.services.workflow import time_text
from app.web import problem_text
from tests.cases.service_item_steps import open_task, start_case
from tests.conftest import headers_for

# These act under the demo's authorization letters, which cover the demo's year.
pytestmark = pytest.mark.usefixtures("demo_year")

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
ROLES = ("window_clerk", "chief_representative", "approving_leader", "committee_member",
         "center_admin", "process_designer", "county_approver", "supervisor", "agent")
# An ISO moment written in UTC: 2026-03-02T07:59:00+00:00, 2026-03-02T07:59Z
UTC_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\+00:00|Z)\b")
# Three or more English words in a row ("process instance 4 is suspended" has them)
# (words in a list, "doc, docx, pdf", are not a sentence)
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}\b(?:\s+\b[A-Za-z]{2,}\b){2,}")
SKIPPED_TAGS = {"script", "style", "code", "pre", "textarea", "kbd", "samp"}
EXEMPT_WORDS = re.compile(r"\S+@\S+|https?://\S+|\b[\w.-]+\.(?:bpmn|dmn|json|pdf|csv|xlsx)\b")


class _Text(HTMLParser):
    """The text a person reads, without scripts, styles and code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self._skipping += 1

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def readable_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ¦ ".join(parser.parts)  # one element's words do not run into the next's


def english_sentences(html: str, data: frozenset[str] = frozenset()) -> list[str]:
    """Runs of >=3 English words in the text of a page (data such as names taken out)."""
    text = EXEMPT_WORDS.sub(" ", readable_text(html))
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    return ENGLISH_RUN.findall(text)


def utc_times(html: str, moments: list[datetime]) -> list[str]:
    """UTC ISO strings, and the UTC rendering of a known moment where its local rendering
    differs (and is no other moment's local rendering)."""
    found = UTC_ISO.findall(html)
    local = {time_text.local_datetime(m) for m in moments}
    for moment in moments:
        utc = moment.astimezone(timezone.utc).strftime(time_text.DATETIME)
        if utc not in local and utc in html:
            found.append(utc)
    return found


def known_moments() -> list[datetime]:
    """Every stored moment of the database (each UTC column, some rows of each table)."""
    moments = []
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table
        for column in table.columns:
            if isinstance(column.type, UTCDateTime):
                moments += [v for v in db.session.scalars(
                    sa.select(column).where(column.isnot(None)).limit(200)) if v]
    return moments


def people() -> dict[str, str]:
    """One username per demo role."""
    found = {}
    for role in ROLES:
        name = db.session.scalar(sa.select(User.username).join(Membership).where(
            Membership.role == role, User.active.is_(True)).order_by(User.id).limit(1))
        if name:
            found[role] = name
    return found


def _arguments(case_id: int, task_id: int) -> dict[str, str]:
    letter = db.session.scalar(sa.select(AuthorizationLetter.id).limit(1))
    item = db.session.scalar(sa.select(Item.code).where(Item.superseded_at.is_(None)).limit(1))
    project = db.session.scalar(sa.select(AgencyProject.id).limit(1))
    return {"instance_id": str(case_id), "task_id": str(task_id), "letter_id": str(letter),
            "project_id": str(project),
            "code": item, "key": "service_item", "number": "1", "kind": "acceptance",
            "fmt": "csv"}


def pages(app, case_id: int, task_id: int) -> list[str]:
    """Every GET page of the url_map that the ids at hand can fill, plus error pages."""
    values, paths = _arguments(case_id, task_id), []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("web.") or "GET" not in rule.methods:
            continue
        if rule.endpoint.endswith(("_pdf_download", "_export")) or rule.rule.endswith("/xml"):
            continue  # files, not pages
        if not set(rule.arguments) <= set(values):
            continue
        with app.test_request_context():
            paths.append(app.url_for(rule.endpoint, **{a: values[a] for a in rule.arguments},
                                     _external=False))
    return [*sorted(set(paths)), "/tasks/999999", "/cases/999999", "/no-such-page",
            "/admin/instances/999999"]


@pytest.fixture
def crawl(app, client):
    """A few cases in flight (an instant and a promised item, one accepted), then the pages
    as each role gets them: [(role, path, status, html)]."""
    first = start_case(client, "MSA-002")
    second = start_case(client, "MSA-001", name="李四")
    task = open_task(first["id"], "intake")
    open_task(second["id"], "intake")
    uploaded = client.post(f"/api/process-instances/{first['id']}/attachments",
                           data={"file": (io.BytesIO(PDF), "申请书.pdf")},
                           content_type="multipart/form-data", headers=headers_for("clerk"))
    assert uploaded.status_code == 201, uploaded.json
    project = client.post("/api/agency/projects", headers=headers_for("agent"), json={
        "name": "食品加工项目", "kind": "major", "applicantName": "某某公司",
        "mandateSignedOn": "2026-01-05", "mandateScope": ["MSA-002", "NRP-002"]})
    assert project.status_code == 201, project.json
    started = client.post(f"/api/agency/projects/{project.json['id']}/items",
                          json={"itemCode": "MSA-002"}, headers=headers_for("agent"))
    assert started.status_code == 201, started.json

    def visit(lang: str = "zh"):
        seen = []
        for role, username in people().items():
            headers = {**headers_for(username), "Accept-Language": "zh-CN"}
            for path in pages(app, first["id"], task.id):
                url = path + ("&" if "?" in path else "?") + f"lang={lang}"
                response = client.get(url, headers=headers)
                if response.mimetype == "text/html":
                    seen.append((role, path, response.status_code, response.text))
        return seen
    return visit


def _data_strings() -> frozenset[str]:
    """Text that is data, not page wording: names, titles and instructions of tasks."""
    found = set(db.session.scalars(sa.select(User.display_name)))
    found |= set(db.session.scalars(sa.select(HumanTask.title)))
    found |= {i for i in db.session.scalars(sa.select(HumanTask.instructions)) if i}
    return frozenset(found)


def test_no_page_shows_a_time_that_is_not_local(crawl):
    visited = crawl()
    moments = known_moments()
    assert len({path for _, path, status, _ in visited if status == 200}) > 20
    shown = {time_text.local_datetime(m) for m in moments}
    assert any(when in html for when in shown for *_, html in visited)
    wrong = {(role, path): utc_times(html, moments) for role, path, _, html in visited
             if utc_times(html, moments)}
    assert wrong == {}


def test_no_chinese_page_shows_an_english_sentence(crawl):
    visited = crawl()
    data = _data_strings()
    assert {status for _, _, status, _ in visited} >= {200, 404}
    english = {(role, path, status): english_sentences(html, data)
               for role, path, status, html in visited if english_sentences(html, data)}
    assert english == {}


# --- the crawl catches what it is for -----------------------------------------------------

def test_the_time_check_catches_a_page_printing_utc(app, crawl, monkeypatch):
    monkeypatch.setitem(app.jinja_env.filters, "local_time",
                        lambda v: v.astimezone(timezone.utc).strftime(time_text.DATETIME)
                        if isinstance(v, datetime) else "—")
    moments = known_moments()
    assert any(utc_times(html, moments) for *_, html in crawl())
    uploaded = db.session.scalar(sa.select(Attachment.uploaded_at))
    assert utc_times(f"<td>{uploaded.strftime('%Y-%m-%d %H:%M')}</td>", moments)  # the old bug
    planted = f"<td>{moments[0].astimezone(timezone.utc).isoformat()}</td>"
    assert utc_times(planted, []) == [moments[0].astimezone(timezone.utc).isoformat()]
    assert utc_times(f"<td>{time_text.local_iso(moments[0])}</td>", moments) == []


def test_the_language_check_catches_english_on_a_chinese_page(crawl, monkeypatch):
    # the regression: pages fall back on the API's English again
    monkeypatch.setattr(problem_text, "for_people", lambda err: err.detail)
    monkeypatch.setattr(problem_text, "status_detail",
                        lambda status: "the page was not found here")
    caught = [path for _, path, status, html in crawl() if status == 404
              and english_sentences(html)]
    assert "/tasks/999999" in caught
    assert english_sentences("<p>审批委员会 a committee needs at least 3 members</p>")
    assert english_sentences("<p>联系 someone@example.org，<code>GET /api/tasks now</code></p>"
                             ) == []
