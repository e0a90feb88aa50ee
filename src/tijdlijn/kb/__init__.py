"""The knowledge base: a store (SQLite or PostgreSQL), durable ingest, search and export."""
from tijdlijn.kb.store import DEFAULT_DB, Store, StoreError, open_store

__all__ = ["DEFAULT_DB", "Store", "StoreError", "open_store"]
