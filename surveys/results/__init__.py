"""Survey results: aggregates counted in SQL, weighting, suppression, charts, exports and publication."""
