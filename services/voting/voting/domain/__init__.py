"""The voting domain: ballots, votes and their tally, without I/O."""
