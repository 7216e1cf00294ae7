"""Every table module, imported once, so the metadata (for Alembic and checks) is complete."""

from db import models, workflow_models
from db.models import metadata

__all__ = ["metadata", "models", "workflow_models"]
