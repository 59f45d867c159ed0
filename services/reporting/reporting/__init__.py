"""Reporting: the public transparency read model, projected from every public topic."""
