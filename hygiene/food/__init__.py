"""Food-safety registers: rural banquets and food-unit workers' health certificates."""
