"""Tracking data in SQLite or PostgreSQL (SQLAlchemy Core + Alembic): the only SQL in flowkit."""

from flowkit.store.customers import CustomerFilter
from flowkit.store.db import database_url
from flowkit.store.store import Row, StatusFilter, Store, Tx

__all__ = ["CustomerFilter", "Row", "StatusFilter", "Store", "Tx", "database_url"]
