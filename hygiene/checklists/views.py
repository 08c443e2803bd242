"""Checklist template pages: list, view, build, import and export."""
from flask import Blueprint

bp = Blueprint("checklists", __name__, url_prefix="/checklists")
