"""Dispatch: the open, member-governed assignment engine (pure core) and its rounds."""
