"""Records: export, verify and the post-incident review."""
