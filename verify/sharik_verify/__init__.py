"""The observers' verifier: the counting rules and bulletin-board checks the voting
service itself uses, with nothing of the service (no broker, store or web framework)."""
