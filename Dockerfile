# Production image: gunicorn for the web, the same image for the Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    YOROZU_VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles

WORKDIR /app
COPY pyproject.toml README.md ./
COPY yorozu ./yorozu
COPY hubs ./hubs
COPY consultations ./consultations
COPY evaluation ./evaluation
COPY templates ./templates
COPY static ./static
COPY manage.py ./
RUN pip install -e . \
 && pybabel compile -d yorozu/locale -D django \
 && DJANGO_SETTINGS_MODULE=yorozu.settings.base python manage.py collectstatic --noinput \
 && useradd --system --uid 1000 --home /app yorozu \
 && mkdir -p /app/var && chown -R yorozu /app/var

USER yorozu
EXPOSE 8000
# gunicorn believes X-Forwarded-Proto (and SCRIPT_NAME, PATH_INFO headers) only from those in
# FORWARDED_ALLOW_IPS (default: 127.0.0.1); docker-compose sets it to the TLS proxy's, like
# TRUSTED_PROXIES. "*" would let anyone who reaches the port set them.
CMD ["gunicorn", "yorozu.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
