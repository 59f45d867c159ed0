"""Pure domain of complaints: no I/O, no framework."""
