"""trustwatch: turn reports about NHS care failures into a queryable record."""

__version__ = "0.1.0"
