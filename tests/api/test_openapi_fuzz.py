"""Schemathesis sends every operation of the contract what its schema allows and what it
does not (as the demo's administrator, who may call nearly everything): whatever comes in,
the answer is never a server error, a refusal is a problem document with its code, and every
answer is one the contract documents: its status code, its media type and its schema.

SCHEMATHESIS_EXAMPLES (5) sets how many requests each operation gets; the examples are
derandomized, so a run is repeatable and a failure reproduces.
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (content_type_conformance,
                                               response_schema_conformance,
                                               status_code_conformance)

from app.api import openapi
from tests.conftest import headers_for

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "5"))
schema = schemathesis.openapi.from_dict(openapi.document())
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


@pytest.mark.contract
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_answer_is_documented_and_none_is_a_server_error(case, app, session):
    response = case.call(app=app, headers=headers_for("admin"))
    where = f"{case.method} {case.formatted_path}"
    assert response.status_code < 500, f"{where} -> {response.status_code}: {response.text[:500]}"
    if response.status_code >= 400:
        media = response.headers.get("content-type", [""])[0]  # lower-case names, lists
        assert media.startswith("application/problem+json"), f"{where}: {media}"
        assert response.json()["code"], where
    case.validate_response(response, checks=[status_code_conformance, content_type_conformance,
                                             response_schema_conformance])
