"""The REST API under /api/v1/: what a participant does in the browser, from a script."""
