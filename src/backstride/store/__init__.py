"""Storage: SQLAlchemy 2 tables, Alembic migrations, repository functions, content-addressed files.

The science packages never import this; the CLI, the assessment runner and the web app do.
"""

from backstride.store.artifacts import BlobStore, add_artifact, files_and_rows
from backstride.store.db import Database

__all__ = ["BlobStore", "Database", "add_artifact", "files_and_rows"]
