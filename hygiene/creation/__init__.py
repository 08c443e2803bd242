"""Hygienic village and unit creation (卫生创建): the year's targets, applications and named titles."""
