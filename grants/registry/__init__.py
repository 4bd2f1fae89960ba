"""One organisation registry for all departments (S3), the grantor and its departments."""
