"""Consultation: participation campaigns and their lifecycle."""
