"""Plain data and rules of War Room: no Qt, no SQL, no I/O."""
