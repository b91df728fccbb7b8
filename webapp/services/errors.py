"""Errors a step of the work raises: views show their message; nothing is changed."""

from __future__ import annotations


class WorkflowError(ValueError):
    """A step that cannot happen in the record's current state (e.g. editing a submitted
    response). Views show its message; nothing is changed."""
