"""The README's client example runs as written, against the app (requests routed to the test
client instead of a socket), and its intake is accepted."""
from __future__ import annotations

import re
import types
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import time_machine

from app.models import HumanTask, db
from tests.conftest import DEMO_DAY

README = Path(__file__).resolve().parents[2] / "README.md"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def example() -> str:
    text = README.read_text(encoding="utf-8")
    [code] = [block for block in re.findall(r"```python\n(.*?)```", text, re.S)
              if "import requests" in block]
    return code


class Reply:
    def __init__(self, response):
        self.status_code, self._response = response.status_code, response

    def json(self):
        return self._response.get_json()


def requests_on(client) -> types.ModuleType:
    """What the example uses of `requests`: post, and a Session with headers, get and post."""
    def call(method, url, headers=None, json=None):
        path = url.removeprefix("http://127.0.0.1:5000")
        return Reply(client.open(path, method=method, headers=headers or {}, json=json))

    class Session:
        def __init__(self):
            self.headers = {}

        def get(self, url):
            return call("GET", url, self.headers)

        def post(self, url, json=None, headers=None):
            return call("POST", url, {**self.headers, **(headers or {})}, json)

    module = types.ModuleType("requests")
    module.post = lambda url, json=None: call("POST", url, json=json)
    module.Session = Session
    return module


def test_the_readme_client_example_accepts_a_case(client, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "requests", requests_on(client))
    scope: dict = {}
    # On a working day of the demo's letters (the window decides 受理 under the 授权书).
    with time_machine.travel(datetime.combine(DEMO_DAY, time(9, 30), SHANGHAI), tick=False):
        exec(compile(example(), "README.md", "exec"), scope)  # noqa: S102  the README's code
    assert scope["done"].status_code == 200, scope["done"].json()
    assert scope["retried"]["id"] == scope["case"]["id"]  # the retry started nothing
    assert "materials_received" in scope["form"]["properties"]
    case_id = scope["case"]["id"]
    names = set(db.session.scalars(sa.select(HumanTask.name).where(
        HumanTask.instance_id == case_id)))
    assert "intake" in names and len(names) > 1  # accepted: the next step is open
    inbox = [t["id"] for t in scope["inbox"]]  # every page of it, each task once
    assert inbox and len(inbox) == len(set(inbox))
