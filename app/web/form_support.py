"""Plain HTML forms over the services: a refused form comes back filled in, with each
problem beside its field (templates/organization/_forms.html renders them)."""
from __future__ import annotations

from collections.abc import Callable

from flask import redirect, request, url_for

from app.models import db
from app.services.workflow.errors import Conflict, InvalidInput, ServiceError
from app.web import problem_text


class FailedForm:
    """A refused form: which one, what was typed, and the problems by field."""

    def __init__(self, form: str, err: ServiceError):
        # In the page's language where the refusal's code has a wording (problem_text).
        self.form, self.detail, self.values = form, problem_text.for_people(err), request.form
        self.fields: dict[str, list[str]] = {}
        for problem in err.errors:
            # "roles[2].department" is shown by the roles control as a whole
            field = problem["field"].split("[")[0].split(".")[0]
            self.fields.setdefault(field, []).append(problem_text.field_message(problem["message"]))

    def value(self, form: str, field: str, default: str = "") -> str:
        return self.values.get(field, default) if form == self.form else default

    def chosen(self, form: str, field: str, defaults=()) -> list[str]:
        return self.values.getlist(field) if form == self.form else list(defaults)


def submit(form: str, save: Callable[[], object], page: Callable, back: str, **back_args):
    """Run a form's service call; on a refusal show the page again with the problems.
    `back` (an endpoint, with `back_args`) is where a successful submit goes."""
    try:
        save()
    except (InvalidInput, Conflict) as err:
        db.session.rollback()
        return page(failed=FailedForm(form, err)), err.status
    return redirect(url_for(back, **back_args), code=303)


def posted(*lists: str) -> dict:
    """The form as a service's input; the named fields may repeat and become lists."""
    data = {k: v for k, v in request.form.items() if k != "csrf_token" and k not in lists}
    data.update({name: request.form.getlist(name) for name in lists})
    return data
