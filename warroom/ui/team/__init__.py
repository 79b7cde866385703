"""The team: people and roles, who acts here, connecting to a team server."""
