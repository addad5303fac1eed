"""What vibe knows about the programs its built-in read-only rules allow: the options each may
take, and the operands that are code (sed scripts, awk programs), checked against allow-lists."""

from vibe.policy.programs.judge import knows_program, read_only_problem

__all__ = ["knows_program", "read_only_problem"]
