"""The one audit log: append-only and hash-chained. Call `lantern.audit.services.audit_record`."""
