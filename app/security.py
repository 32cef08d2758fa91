"""Authentication for pages (session cookie) and the API (bearer token), and CSRF policy."""
from __future__ import annotations

from flask import Flask, g, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from app.extensions import csrf, limiter, login_manager
from app.models import User
from app.services import auth
from app.services.workflow.actor import Actor

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
PUBLIC_ENDPOINTS = {"api.health", "api.token", "web.login", "static",
                    "api.link_receive",  # a peer deployment, authenticated by its signature
                    "api.openapi_document", "api.api_reference"}  # the API's contract
PUBLIC_BLUEPRINT = "public"  # the applicant's pages (app/web/public): open by design
NO_CSRF_ENDPOINTS = ("api.token", "api.link_receive")


def init_app(app: Flask) -> None:
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # checked below, unless bearer auth
    login_manager.init_app(app)
    login_manager.login_view = "web.login"
    csrf.init_app(app)
    limiter.init_app(app)  # keyed by request.remote_addr (ProxyFix with TRUSTED_PROXIES)
    app.before_request(_forget_previous_identity)
    app.before_request(_require_login)
    app.before_request(_csrf_for_cookie_sessions)
    app.after_request(_security_headers)
    if app.config.get("TRUSTED_PROXIES"):  # the client address and scheme the proxy saw
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    return auth.user_for_session(session_id)


@login_manager.request_loader
def _load_bearer(req) -> User | None:
    header = req.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        g.bearer_auth = True
        return auth.user_for_token(header[7:].strip())
    return None


def _forget_previous_identity():
    # g outlives a request when an app context is already active (workers, tests).
    g.pop("_login_user", None)
    g.pop("bearer_auth", None)


def _require_login():
    if (request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None
            or request.blueprint == PUBLIC_BLUEPRINT):
        return None
    if not current_user.is_authenticated:
        if request.path.startswith("/api/"):
            from app.services.workflow.errors import Unauthenticated
            raise Unauthenticated("sign in or send 'Authorization: Bearer <token>'")
        return login_manager.unauthorized()
    return None


def _csrf_for_cookie_sessions():
    # A bearer token cannot be sent by another site; a cookie can, so cookie sessions need CSRF.
    # No endpoint: the routing failed (an unknown path, an id past the database's), and its
    # handler answers; there is no form to protect.
    if request.method not in SAFE_METHODS and not g.get("bearer_auth") \
            and request.endpoint not in (*NO_CSRF_ENDPOINTS, None):
        csrf.protect()


# No inline script anywhere (data travels in <script type="application/json">, never run);
# inline styles are allowed: the base template and bpmn-js use them.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; "
                           "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                           "font-src 'self' data:; object-src 'none'; base-uri 'self'; "
                           "form-action 'self'; frame-ancestors 'none'")


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def current_actor() -> Actor:
    return Actor.of(current_user._get_current_object(), request.remote_addr)
