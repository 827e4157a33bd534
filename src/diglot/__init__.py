"""diglot: a bilingual publication manager for periodicals."""

__version__ = "0.1.0"
