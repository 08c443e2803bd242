"""Health education (健康教育): the activity log of villages and units, and its cadence."""
