"""HTTP API plumbing shared by every domain: the smorest Api, base schemas, pagination."""
