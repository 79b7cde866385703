"""The checklist pane: the playbook's steps grouped by phase."""
