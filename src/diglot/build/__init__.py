"""Building: plans which editions to render, renders them, and writes them all at once.

Reads and checks every input first, so bad input leaves the last good output
in place; :mod:`.cache` answers a build with nothing to do from file stats
alone. Hands the command line a result to report.
"""
