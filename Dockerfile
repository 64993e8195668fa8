# The image behind web, worker and beat in docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_ENV=production \
    MENTORSHIP_VAR_DIR=/app/var \
    NUMBA_CACHE_DIR=/app/var/numba-cache

WORKDIR /app
# SAML sign-in (python3-saml → xmlsec) installs from manylinux wheels that bundle libxmlsec1,
# so the image needs no system package for it. On a platform without such a wheel, add
# `apt-get install -y libxmlsec1-dev pkg-config gcc` before pip so it can be built.
COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt

COPY . .
# collectstatic needs settings that pass the production checks; these are build-time only.
RUN SECRET_KEY=build-only-secret-key-not-used-at-runtime-0123456789abcdef \
    ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.sqlite3 EMAIL_HOST=build \
    python manage.py collectstatic --noinput \
 && useradd --create-home --uid 1000 mentorship \
 && mkdir -p /app/var && chown -R mentorship /app/var

USER mentorship
# NUMBA_CACHE_DIR: the matching's compiled scoring loop (pairs/scan_kernel.py) is kept
# where the app may write, so each process does not compile it again.
EXPOSE 8000
# gunicorn.conf.py: 3 processes of 8 threads (WEB_CONCURRENCY, WEB_THREADS).
CMD ["gunicorn", "mentorship.wsgi", "-c", "gunicorn.conf.py", "--access-logfile", "-"]
