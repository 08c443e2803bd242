"""JSON API v1 (`/api/v1`): the same services and scope rules as the pages, token sign-in, JSON
errors in Chinese and English, cursor pages, and the OpenAPI document built from the same
pydantic models that check the input and shape the output (spec.py)."""
