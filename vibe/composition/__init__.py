"""The composition root: the only package that reads settings *and* builds concrete objects.

`engine` builds the agent for any frontend; one module per command wires a frontend to it.
The engine's layers only know interfaces.
"""
