import sqlalchemy as sa
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from app.models import Case, User, db
from app.services import auth, tasks
from app.services.errors import ServiceError
from app.web import bp


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired()])
    password = PasswordField("password", validators=[DataRequired()])


@bp.route("/login", methods=["GET", "POST"])
def login():
    form, error = LoginForm(), None
    if form.validate_on_submit():
        try:
            user = auth.authenticate(form.username.data, form.password.data, request.remote_addr)
        except ServiceError as err:
            error = _("用户名或密码错误") if err.status == 401 else err.detail
        else:
            login_user(user)
            return redirect(url_for("web.inbox"))
    return render_template("login.html", form=form, error=error), 401 if error else 200


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("web.login"))


@bp.get("/")
def inbox():
    rows = tasks.inbox(current_user)
    instance_ids = {t.instance_id for t in rows}
    assignee_ids = {t.assignee_id for t in rows if t.assignee_id}
    # Two queries for the whole page rather than two per row.
    case_by_instance = {c.instance_id: c for c in db.session.scalars(
        sa.select(Case).where(Case.instance_id.in_(instance_ids)))} if instance_ids else {}
    people = {u.id: u for u in db.session.scalars(
        sa.select(User).where(User.id.in_(assignee_ids)))} if assignee_ids else {}
    return render_template("inbox.html", tasks=rows, cases=case_by_instance, people=people)
