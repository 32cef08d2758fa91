"""The API's OpenAPI 3.1 contract: valid, complete (every route has its operation and every
operation its route) and served, with its reference page, to anyone."""
from __future__ import annotations

import re

from openapi_spec_validator import validate

from app.api import openapi
from app.api.openapi.requests import openapi_path
from app.security import PUBLIC_ENDPOINTS

METHODS = {"get", "post", "put", "patch", "delete"}


def routes(app) -> dict[tuple[str, str], str]:
    """(OpenAPI path, method) of every API route, with its endpoint."""
    found = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = openapi_path(rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                found[(path, method.lower())] = rule.endpoint
    return found


def operations() -> dict[tuple[str, str], dict]:
    return {(path, method): operation
            for path, item in openapi.document()["paths"].items()
            for method, operation in item.items() if method in METHODS}


def test_the_contract_is_valid_openapi_3_1():
    document = openapi.document()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_route_has_its_operation_and_every_operation_its_route(app):
    served, described = routes(app), operations()
    assert sorted(set(served) - set(described)) == [], "routes missing from the contract"
    assert sorted(set(described) - set(served)) == [], "operations with no route"


def test_operations_are_named_after_their_routes_tagged_and_answered(app):
    endpoints = routes(app)
    for (path, method), operation in operations().items():  # the view function names it
        view = endpoints.get((path, method), "api.?")
        shared = list(endpoints.values()).count(view) > 1  # one view, several operations
        named = view.removeprefix("api.") + (f"_{method}" if shared else "")
        assert operation.get("operationId") == named, f"{method.upper()} {path}"
    tags = {tag["name"] for tag in openapi.document()["tags"]}
    for (path, method), operation in operations().items():
        where = f"{method.upper()} {path}"
        assert operation.get("summary"), f"{where} has no summary"
        assert set(operation.get("tags", [])) <= tags and operation.get("tags"), where
        answers = set(operation["responses"])  # a route kept only to refuse has no 2xx
        refusal_only = answers <= {"400", "401", "404", "405"}
        assert any(code.startswith("2") for code in answers) or refusal_only, where


def test_only_the_public_routes_are_open(app):
    for key, endpoint in routes(app).items():
        operation = operations().get(key)
        if operation is None:
            continue  # reported by the completeness test
        opened = operation.get("security") == []
        assert opened == (endpoint in PUBLIC_ENDPOINTS), f"{key}: security of {endpoint}"


def test_the_contract_and_its_reference_page_are_served_to_anyone(client):
    served = client.get("/api/openapi.json")
    assert served.status_code == 200 and served.json["openapi"].startswith("3.1")
    assert served.json["paths"] == openapi.document()["paths"]
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from another site
