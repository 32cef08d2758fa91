"""The pages' blueprint (its routes are registered by the modules that import it)."""
from flask import Blueprint

bp = Blueprint("web", __name__)
