"""Target responsibility letters (目标责任书) and the year-end target assessment (目标考核)."""
