"""What to watch: request counts and latencies, scans recorded, open alerts by kind, in Prometheus format."""
