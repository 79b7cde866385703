"""War Room: an offline-first crisis war room for incident timelines, statements and playbooks."""

__version__ = "0.1.0"
