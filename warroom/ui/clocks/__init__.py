"""The clocks bar: the deadlines that matter during an incident."""
