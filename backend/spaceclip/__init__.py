"""SpaceClip: turn long podcasts, videos and X Spaces into short, platform-ready clips, locally."""

__version__ = "0.1.0"
