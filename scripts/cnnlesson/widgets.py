"""Interactive widgets of the episodes (ipywidgets).

Each widget is a thin layer over a plain function that computes what it shows (an array, a
figure); the tests call those functions directly, and the widget only wires controls to them.
"""

from __future__ import annotations
