"""The PySide6 window: widgets, item models and dialogs over the services."""
