"""The WSGI application `make bench` serves (scripts/bench.py): config.wsgi's, on the data set's
clock (demo.scale.clock). gunicorn loads it with --pythonpath=scripts."""

from demo.scale.clock import start_from_environment

start_from_environment()

from config.wsgi import application  # noqa: E402

__all__ = ["application"]
