"""OS confinement for every process the agent starts.

This layer owns how a command is spawned (process group, confinement, kill-on-cancel, killing
strays) and which backend confines it: bubblewrap (namespaces) > Landlock (kernel access rules)
> none, chosen at start-up by `probe.create_sandbox`, each with an exact `SandboxReport`.
"""
