"""3D metadata overlays: live PLM data for a model and its components, role-gated."""
