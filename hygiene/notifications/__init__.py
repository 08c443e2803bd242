"""Notifications: the outbox, its channels (in-app, e-mail, SMS) and their dispatch."""
