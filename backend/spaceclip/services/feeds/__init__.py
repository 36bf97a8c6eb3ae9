"""Podcast feeds: fetched through the SSRF guard, parsed safely (RSS 2.0 and Atom)."""
