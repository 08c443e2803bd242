"""Ranking pages for the office: compute, explain, settings, publish, the monthly notice."""
from flask import Blueprint

bp = Blueprint("rankings", __name__, url_prefix="/rankings")
