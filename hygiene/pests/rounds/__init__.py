"""Control rounds (统一灭鼠, 灭蚊蝇消杀, 灭蟑, 灭螺): planned by the office, worked by villages and units."""
