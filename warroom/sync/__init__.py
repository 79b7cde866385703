"""Delivering released statements: one connector per channel kind, and retry timing.

Connectors do I/O only (requests, smtplib): they take an outbox row, a channel and its
secret, and return a :class:`~warroom.sync.outcomes.DeliveryResult` or raise one of the
typed errors in :mod:`warroom.sync.outcomes`. The delivery service decides what to record.
"""
