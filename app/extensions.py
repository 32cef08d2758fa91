"""Extension objects, created unbound and attached in create_app with init_app."""
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from app.models.base import db

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Limits are declared on the routes that need them (the public lookup); none by default. The
# storage is RATELIMIT_STORAGE_URI (memory:// per process; redis://… shared by workers).
limiter = Limiter(key_func=get_remote_address, default_limits=[])

__all__ = ["db", "login_manager", "csrf", "babel", "limiter"]
