"""Work-order document packs: routing/operation document links and controlled-copy exports."""
