"""Benchmarks: each figure measured side by side with a plain baseline doing the same work (`make bench`)."""
