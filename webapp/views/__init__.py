"""Blueprints, one per audience: parse the request, call a service, render."""
