from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from app.services import auth, calendar
from app.services.workflow import inbox as inbox_service
from app.services.workflow.errors import ServiceError
from app.web.blueprint import bp


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
            error = {401: _("用户名或密码错误"),
                     429: _("登录失败次数过多，请 15 分钟后再试")}.get(err.status, err.detail)
        else:
            login_user(user)
            return redirect(url_for("web.inbox"))
    status = 429 if error == _("登录失败次数过多，请 15 分钟后再试") else 401
    return render_template("login.html", form=form, error=error), status if error else 200


@bp.post("/logout")
def logout():
    auth.end_sessions(current_user._get_current_object())  # every copy of the cookie too
    logout_user()
    return redirect(url_for("web.login"))


@bp.get("/")
def inbox():
    query = inbox_service.Query.from_args(request.args)
    return render_template("inbox.html", inbox=inbox_service.load(current_user, query),
                           local=calendar.to_local)
