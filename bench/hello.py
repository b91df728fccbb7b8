"""A bare Flask "hello" app: the baseline the web benchmark compares our endpoints with, served
by the same gunicorn settings."""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello():
    return "hello"
