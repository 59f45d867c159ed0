"""Notifier: citizens' subscriptions, and the messages sent to them when campaigns open
and results are published."""
