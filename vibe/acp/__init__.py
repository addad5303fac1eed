"""Editor mode: the Agent Client Protocol over stdio, built on the official SDK."""
