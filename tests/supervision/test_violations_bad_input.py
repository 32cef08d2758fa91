"""Bad input on the 效能监察 pages is never a 500: ids beyond the database, strange years and
months, long strings, in the query string, the path and the forms."""
import pytest
from tests.conftest import headers_for
from tests.supervision.steps import post

GETS = ["/supervision/accountability/{x}", "/supervision/accountability?year={x}",
        "/supervision/cards?month={x}", "/supervision/violations?department_id={x}",
        "/supervision/violations?year={x}", "/supervision/violations?kind={x}&state={x}"]
VALUES = ["99999999999999999999", "4294967296", "-1", "%00", "abc", "1e9", "x" * 3000]

@pytest.mark.parametrize("path", GETS)
@pytest.mark.parametrize("value", VALUES)
def test_a_strange_value_in_a_url_is_a_4xx(client, path, value):
    r = client.get(path.format(x=value), headers=headers_for("supervisor"))
    assert r.status_code < 500, r.text[-600:]

@pytest.mark.parametrize("value", VALUES)
def test_a_strange_value_in_a_form_is_a_4xx(client, value):
    for path in ("/supervision/violations/{x}/review", "/supervision/accountability/{x}/decision"):
        r = post(client, "supervisor", path.format(x=value), outcome="upheld", reason="x", decision="issue")
        assert r.status_code < 500, r.text[-600:]
    r = post(client, "supervisor", "/supervision/violations", department_id=value, staff_id=value,
             kind="four_bans", occurred_on=value, description=value)
    assert r.status_code < 500, r.text[-600:]
