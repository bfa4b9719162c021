# Ledgerhub: one image for the API, the workers, the scheduler and the sandboxes.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/ledgerhub \
    UV_COMPILE_BYTECODE=1 \
    PATH=/opt/ledgerhub/bin:$PATH

WORKDIR /app
RUN pip install --no-cache-dir "uv>=0.5,<1"

# Dependencies first (cached while only the code changes), then the project itself.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY canonical canonical
COPY mappings mappings
COPY connectors connectors
COPY hub hub
COPY examples examples
RUN uv sync --frozen --no-dev

RUN useradd --create-home --uid 10001 ledgerhub && mkdir -p /data && chown ledgerhub /data
USER ledgerhub
ENV LEDGERHUB_DATA_DIR=/data

ENTRYPOINT ["hub"]
CMD ["--help"]
