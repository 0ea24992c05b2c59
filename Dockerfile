# Rapport production image: gunicorn serves the app, the same image runs Celery worker and beat.
# Every build step is in scripts/build_image_steps.sh, which tests/config/test_production_build.py
# runs too; the Python packages come from uv.lock with their hashes, the Debian packages from
# scripts/debian_packages.txt.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    UV_PROJECT_ENVIRONMENT=/opt/rapport \
    UV_PYTHON_DOWNLOADS=never \
    UV_NO_CACHE=1 \
    UV_LINK_MODE=copy \
    PYTHON=/usr/local/bin/python3 \
    PATH=/opt/rapport/bin:$PATH \
    DJANGO_ENV=production \
    RAPPORT_VAR_DIR=/app/var

WORKDIR /app
COPY scripts/build_image_steps.sh scripts/system_deps.sh scripts/debian_packages.txt scripts/
RUN bash scripts/build_image_steps.sh system-packages && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml uv.lock ./
COPY scripts/uv_requirement.py scripts/
RUN bash scripts/build_image_steps.sh uv python-packages
COPY . .
RUN bash scripts/build_image_steps.sh assets \
    && useradd --system --uid 1000 --home /app rapport \
    && mkdir -p /app/var && chown -R rapport /app/var

USER rapport
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
