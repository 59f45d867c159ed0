"""Feedback: complaints, suggestions and reports to government agencies (Tajawob)."""
