"""OS confinement for every process the agent starts.

This layer owns how a command is spawned (process group, confinement, kill-on-cancel). Backends
(Landlock, bubblewrap) arrive with the sandbox issue; today only `NoSandbox` exists and says so.
"""
