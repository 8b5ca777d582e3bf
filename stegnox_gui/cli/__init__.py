"""The `stegnox` command line: one module per subcommand."""
