"""``placement schema``: the JSON Schema of the instance format."""

from __future__ import annotations

import json
import sys

from placement.cli.app import app
from placement.schema import Instance


@app.command()
def schema() -> None:
    """Print the JSON Schema of the instance format."""
    sys.stdout.write(json.dumps(Instance.model_json_schema(), indent=2) + "\n")
