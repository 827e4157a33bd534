"""Translating: the model's text becomes gettext templates and catalogs, and catalogs become lookups.

Extracts messages, merges catalogs without losing a translation, reads and
writes .po files, counts progress and checks translations. Hands the render
stage a :class:`~diglot.catalog.catalogs.Lookup` per language.
"""
