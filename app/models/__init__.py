"""Database models, one module per aggregate. Importing this package registers them all."""
from app.models.audit import AuditEvent
from app.models.org import Locality, Practice, User

__all__ = ["AuditEvent", "Locality", "Practice", "User"]
