"""Feature commands: each module here imports ``app`` from ``placement.cli.app`` and
decorates its commands with ``@app.command()``; ``app`` imports them all at start-up."""
