"""Pure domain of notifications: subscriptions, messages, deliveries. No I/O."""
