"""Sign-in: opaque, database-backed sessions (see docs/AUTH_SYSTEM.md)."""
