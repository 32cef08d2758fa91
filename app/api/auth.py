from flask import jsonify, request

from app.api.blueprint import bp, json_object
from app.security import current_actor
from app.services import auth
from app.services.workflow.errors import InvalidInput


@bp.get("/health")
def health():
    return jsonify(status="ok")


@bp.post("/auth/token")
def token():
    body = json_object()
    if not isinstance(body.get("username"), str) or not isinstance(body.get("password"), str):
        raise InvalidInput("username and password are required",
                           errors=[{"field": f, "message": "required"}
                                   for f in ("username", "password") if not body.get(f)])
    user = auth.authenticate(body["username"], body["password"], request.remote_addr)
    return jsonify(token=auth.issue_token(user), tokenType="Bearer", userId=user.id)


@bp.post("/auth/logout")
def logout():
    """End every session and token of the caller (this token included)."""
    auth.end_sessions(current_actor().user)
    return "", 204
