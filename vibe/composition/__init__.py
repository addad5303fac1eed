"""The composition root: the only package that reads settings *and* builds concrete objects.

`engine` builds the agent for any frontend; one module per command wires a frontend to it;
`model_switch` switches a conversation's model, once for every frontend.
The engine's layers only know interfaces.
"""
