"""Editing a clip inside its range: cuts from word times (:mod:`.cuts`)."""
