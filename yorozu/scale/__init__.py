"""National-scale data for benchmarks (`manage.py seed_scale`): ten fiscal years of the whole
network, deterministic for a seed. It spans every app, so it lives in the project layer."""
