"""The flask command line: each command a module-level function, and the demo data."""
