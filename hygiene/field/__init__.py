"""The offline field app: the installable shell an inspector fills inspections in without a
network, and the page route that gives it an API token (the app itself talks to /api/v1)."""
