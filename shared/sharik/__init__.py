"""Sharik's common library: what every service shares and nothing a service owns."""
