"""The triage inbox in the window: the pane, its wave chart and Tools > Sources…."""
