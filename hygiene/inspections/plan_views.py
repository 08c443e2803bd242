"""Inspection plan pages and the admin's calendar."""
from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/plans")
