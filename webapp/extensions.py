"""Flask extensions, created once and bound to each app in the factory."""

from __future__ import annotations

from flask_babel import Babel
from flask_compress import Compress
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from webapp.web.rate_limits import ViewLimiter

# Named constraints, so migrations (batch mode on SQLite) can drop and alter them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
compress = Compress()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = ViewLimiter(key_func=get_remote_address, default_limits=[])
