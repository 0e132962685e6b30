"""Benchmarks of the course (see bench/README.md); run with `make bench`."""
