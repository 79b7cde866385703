"""Wall mode (F11): a full-screen board for the room, readable from across it."""
