"""Helpers the tests share: running a service in-process against real infrastructure."""
