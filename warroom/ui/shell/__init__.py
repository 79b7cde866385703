"""The shell: main window, composition root, theme, background tasks, shared models."""
