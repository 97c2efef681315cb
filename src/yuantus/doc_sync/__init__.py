"""Document multi-site sync: remote sites, push/pull jobs and verified replicas."""
