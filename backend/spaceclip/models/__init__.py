"""Tables (SQLAlchemy) and API schemas (Pydantic)."""

from spaceclip.models.tables import Base, Job, LoginAttempt, Project, User, UserSession

__all__ = ["Base", "Job", "LoginAttempt", "Project", "User", "UserSession"]
