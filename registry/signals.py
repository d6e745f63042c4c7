"""Signals the registry sends for apps above it, which it may not import (docs/decisions/0080)."""

from django.dispatch import Signal

# Sent by `seed_demo` after registry.demo.demo_seed has committed, with no arguments. The demo steps of
# apps above registry connect to it (training: a year of continuing education) and return a one-line
# summary for the console.
demo_seeded = Signal()
