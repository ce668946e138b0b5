"""`make bench`: every daily page timed against national-scale data (seed_scale), served by
gunicorn with production settings, beside the floors it is measured against
(docs/performance.md)."""
