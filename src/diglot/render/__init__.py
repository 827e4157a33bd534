"""Rendering: the model and its translations become editions, returned as strings and bytes.

:mod:`.edition` views an issue in one language; :mod:`.templating` is the one
Jinja environment every format uses; :mod:`.web` returns pages, :mod:`.pdf`
the print and parallel PDFs, made press files (PDF/X) by :mod:`.press`.
Nothing here writes a file: that is the build's.
"""
