"""Replication: an adopter copying an innovation, stage by stage, with its history."""
