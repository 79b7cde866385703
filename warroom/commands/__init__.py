"""Command-line subcommands, one module per noun; each module registers its parser.

Modules here import services lazily inside their handlers, so that ``warroom incident list``
pays only for what it uses.
"""
