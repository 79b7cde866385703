"""The drafts pane: statements, the editor and the approval workflow."""
