"""Helpers for the 好差评 tests: a case run to 办结, and the public rating form."""
from __future__ import annotations

import re

from app.services.evaluation import rating
from tests.cases.service_item_steps import ALL_MATERIALS, case_of, complete, start_case


def concluded_case(client, item_code: str = "MSA-001", **applicant):
    """An 即办件 decided on the spot by the chief representative: 办结（通过）."""
    case_id = start_case(client, item_code, **applicant)["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    complete(client, case_id, "decide_on_spot", "chief", decision="approve")
    case = case_of(case_id)
    assert case.status_code == 11
    return case


def csrf(client, url: str) -> str:
    """The form's token; the sign-in page's where the page has no form (already rated)."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text)
    return found.group(1) if found else re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text).group(1)


def post_rating(client, case, **form):
    url = f"/public/rate/{rating.rating_token(case)}"
    data = {"csrf_token": csrf(client, url), **form}
    return client.post(url, data=data)
