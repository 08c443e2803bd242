"""The campaign calendar (爱卫活动): the year's built-in events, the office's campaigns and the
tasks each village or unit completes with photos."""
