"""The benchmark: seeds a large data set on PostgreSQL, serves it with gunicorn and measures.

Run it with `make bench` (or `make bench SCALE=0.1`); never part of `make test`.
"""
