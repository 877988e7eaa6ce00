"""One module per constraint family of the spec ("Constraints, per period p")."""
