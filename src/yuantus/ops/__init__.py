"""The operations overview: one section per capability, contributed through its manifest."""
