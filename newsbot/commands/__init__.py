"""Subcommands of `newsbot`; each module has register(subparsers) and sets func=run."""
