"""Extension objects, created unbound and attached in create_app with init_app."""
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from app.models.base import db

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()

__all__ = ["db", "login_manager", "csrf", "babel"]
