"""The pipeline, one module per stage."""
