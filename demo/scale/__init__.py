"""`manage.py seed_scale`: a large, reproducible data set for performance benchmarks, written with
PostgreSQL's COPY (demo.scale.copy), built by demo.scale.build, guarded by demo.scale.guard."""
