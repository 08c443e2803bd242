"""The WSGI application bench/load.py serves: the hygiene app with a bare Flask route beside it.

The bare route (/_bare) runs in the same workers, through the same server, so its figures are
the floor the application's pages are measured against."""
from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from hygiene import create_app

bare = Flask("bare")


@bare.get("/")
def bare_route():
    return "ok"


hygiene_app = create_app()
app = DispatcherMiddleware(hygiene_app, {"/_bare": bare})
