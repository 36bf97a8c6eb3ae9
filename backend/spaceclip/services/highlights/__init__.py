"""Built-in highlight finder: sentences, topics, candidates, features, scorer and selection."""
