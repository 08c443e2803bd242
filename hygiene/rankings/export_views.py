"""Excel exports of rankings, inspections with their items, and orders."""
from flask import Blueprint

bp = Blueprint("exports", __name__, url_prefix="/exports")
