"""The meta_conversion_jobs queue, JobService, workers and the task registry."""
