"""Reading: periodical.yaml, issue manifests and Markdown articles become the typed model.

Every problem is collected with its file, line and column before anything is
written. Hands on a :class:`~diglot.source.model.Periodical` (its issues,
articles and their blocks) to the catalog and render stages.
"""
