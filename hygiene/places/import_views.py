"""Importing the register from Excel or CSV (filled in by the import feature)."""
from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/register/import")
