#!/usr/bin/env bash
# The production image's build steps. The Dockerfile runs them in order, and
# tests/config/test_production_build.py runs them on the checkout, so a build that would break is
# seen by `make test`, not by the next `docker build`.
#
#   scripts/build_image_steps.sh STEP...
#
#   system-packages  the "image" rows of scripts/debian_packages.txt (scripts/system_deps.sh)
#   uv               uv itself, the version and hashes uv.lock records (pip --require-hashes)
#   python-packages  every runtime package from uv.lock, hashes checked: `uv sync --locked --no-dev`
#                    into $UV_PROJECT_ENVIRONMENT (no dev extra: no test tools in the image)
#   translations     compile the catalogues (locale/*/LC_MESSAGES/*.mo)
#   static           collectstatic with the production settings (hashed names, a manifest and
#                    compressed copies, in STATIC_ROOT)
#   fonts            the fonts PDFs embed, into PDF_FONT_DIR (build/fonts); fails without Noto CJK
#   assets           translations, static and fonts
#
# Environment: PYTHON, the interpreter uv installs for (python3); UV, the uv to run (uv);
# UV_PROJECT_ENVIRONMENT, where the packages go and whose python runs the app (.venv);
# STATIC_ROOT and PDF_FONT_DIR, where the static files and the fonts go (the settings' defaults).
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
app_python=${UV_PROJECT_ENVIRONMENT:-.venv}/bin/python

# The production settings, whatever the caller's environment names; they demand a secret key and
# hosts, but nothing at build time serves a request, opens the database or keeps these values.
manage() {
  DJANGO_SETTINGS_MODULE=config.settings.production \
    SECRET_KEY=build-only-not-a-secret ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/rapport-build.sqlite3 REDIS_URL= \
    "$app_python" manage.py "$@"
}

step() {
  case "$1" in
    system-packages)
      bash scripts/system_deps.sh image
      ;;
    uv)
      requirement=$(mktemp)
      "$python" scripts/uv_requirement.py >"$requirement"
      "$python" -m pip install --quiet --no-cache-dir --disable-pip-version-check \
        --require-hashes -r "$requirement"
      rm -f "$requirement"
      ;;
    python-packages)
      "${UV:-uv}" sync --locked --no-dev --python "$python"
      ;;
    translations)
      manage compilemessages --ignore '.venv/*' --ignore 'node_modules/*' -v 0
      ;;
    static)
      manage collectstatic --noinput -v 0
      ;;
    fonts)
      "$app_python" scripts/build_pdf_fonts.py --strict
      ;;
    assets)
      step translations
      step static
      step fonts
      ;;
    *)
      echo "unknown step: $1 (see the comment at the top of $0)" >&2
      exit 2
      ;;
  esac
}

[ $# -gt 0 ] || { echo "usage: $0 STEP... (see the comment at the top)" >&2; exit 2; }
for name in "$@"; do
  step "$name"
done
