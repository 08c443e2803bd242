"""Flask extensions, created unbound and bound in create_app()."""
from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
if TYPE_CHECKING:
    # db.Model is made at run time, where mypy cannot follow it; to the checker it is the Base.
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
# no limit of its own on any route: sign-in throttling calls it (accounts/throttle.py); its
# storage is memory:// in one process, Redis (RATELIMIT_STORAGE_URI) when several share it
limiter = Limiter(key_func=get_remote_address)
