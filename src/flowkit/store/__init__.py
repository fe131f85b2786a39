"""Tracking data in SQLite or PostgreSQL (SQLAlchemy Core + Alembic): the only SQL in flowkit."""

from flowkit.store.db import database_url
from flowkit.store.store import Row, StatusFilter, Store, Tx

__all__ = ["Row", "StatusFilter", "Store", "Tx", "database_url"]
