"""Pure domain of campaigns: no I/O, no framework."""
