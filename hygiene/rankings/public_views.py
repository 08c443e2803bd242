"""Public ranking pages (no login): they read published snapshots only."""
from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="/public")
