"""Every table module, imported once, so the metadata (for Alembic and checks) is complete."""

from db import auth_models, models, workflow_models
from db.models import metadata

__all__ = ["auth_models", "metadata", "models", "workflow_models"]
