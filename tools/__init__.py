"""Developer tools that are not part of the shipped program (not in the wheel)."""
