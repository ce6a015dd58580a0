# Dongne (동네) as an operator runs it: the wheel built from this checkout, installed (not editable) on a slim
# Python 3.11, run as an unprivileged user. docs/operations.md ("Installing and upgrading") walks through it;
# compose.yaml adds PostgreSQL and runs `dongne db upgrade` before the bot starts.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
# Only what the wheel is built from (pyproject.toml, MANIFEST.in and the four packages; .dockerignore keeps
# the rest out), so a change to the tests or docs does not rebuild it.
COPY pyproject.toml README.md MANIFEST.in ./
COPY bot ./bot
COPY conversations ./conversations
COPY core ./core
COPY storage ./storage
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /dist .

FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DONGNE_DATA_DIR=/var/lib/dongne \
    DONGNE_ADMIN_HOST=0.0.0.0 \
    DONGNE_ADMIN_PORT=8080
RUN groupadd --system --gid 10001 dongne \
    && useradd --system --uid 10001 --gid dongne --create-home --home-dir /home/dongne \
        --shell /usr/sbin/nologin dongne \
    && install -d -o dongne -g dongne -m 0750 /var/lib/dongne
COPY --from=build /dist/ /tmp/dist/
RUN pip install --no-cache-dir /tmp/dist/dongne-*.whl && rm -rf /tmp/dist
USER dongne
# Nothing is written to the working directory; a .env put here would be read (settings come from the
# environment in a container: compose's env_file, or `docker run --env-file`).
WORKDIR /home/dongne
# Charts draw Hangul with the NanumGothic that koreanize-matplotlib ships inside the wheel's dependencies
# (core/charts.py), so no system font package is needed. Checking for it here fails the build rather than the
# first chart, and matplotlib's font cache is built once into the image instead of at each container's start.
RUN dongne --help > /dev/null \
    && python -c "import matplotlib.font_manager; from core.charts import korean_font_path; korean_font_path(); korean_font_path(bold=True)"
# The SQLite database (when DONGNE_DATABASE_URL is unset), its lock file, photos and attachments.
VOLUME ["/var/lib/dongne"]
EXPOSE 8080
# /healthz answers 200 while the database is reachable, the schema current and the bot running or standing
# by; 503 (an exception here, so a non-zero exit) otherwise. slim has no curl: Python's urllib asks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('DONGNE_ADMIN_PORT', '8080'), timeout=4)"]
# SIGTERM (docker stop) stops taking updates, finishes what is in hand and exits within 10 s.
STOPSIGNAL SIGTERM
CMD ["dongne", "run"]
