"""The timeline pane: the incident's entries, paged, filtered and followed live."""
