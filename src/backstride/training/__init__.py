"""Training history: import watch files and exports, and flag the load changes linked to injury.

``ingest`` reads FIT, GPX and TCX files (and the folders, archives and exports around them) into
normalised `Activity` objects; ``load``, ``flags`` and ``findings`` turn a runner's activities into
weekly series and flag events; ``report`` assembles them into ``load.json``.
"""
