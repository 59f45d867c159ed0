"""Counting rules as pure functions: the same code counts a ballot in the service and
recounts it in `sharik-verify`, so anyone can check a published result."""
