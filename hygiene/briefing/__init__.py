"""The office's briefing (工作简报): a month's or a week's work of every domain, on one A4 page."""
