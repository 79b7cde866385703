"""Publishing: channels, the outbox and the background sync worker."""
