"""The Incident menu: status, severity, cadence, times, closing."""
