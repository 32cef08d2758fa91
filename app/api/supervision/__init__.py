"""效能监察 endpoints (/api/supervision/…)."""
