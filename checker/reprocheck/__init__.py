"""reprocheck: static checks that keep machine-learning repositories reproducible."""

__version__ = "0.1.0"
