"""Settings, the bootstrap that wires everything, the `kinerja` CLI and the demo data."""
