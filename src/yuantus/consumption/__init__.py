"""P1-E consumption plans: planned against actual material consumption."""
