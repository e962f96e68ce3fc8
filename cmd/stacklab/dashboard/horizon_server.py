#!/usr/bin/python3
"""Serves Debian's Horizon (openstack-dashboard) for a stacklab cloud.

`stacklab up --dashboard` and `stacklab dashboard` write this file and
local_settings.py into <state>/dashboard/ and run it as a child process:

    /usr/bin/python3 horizon_server.py --bind 127.0.0.1:PORT   (behind stacklab's /dashboard)
    /usr/bin/python3 horizon_server.py --bind HOST:PORT        (`stacklab dashboard --listen`)

It serves Horizon's Django application with gunicorn (one process, a few
threads: the sessions live in its memory) and the static files with
whitenoise, so that no Apache is needed.

Exit status 3: a package the dashboard needs is not installed.
"""
import argparse
import os
import shutil
import subprocess
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
EXIT_MISSING = 3
# What Debian's package holds in the compressor's output folder that
# `compress` writes for our WEBROOT: every other entry is linked.
COMPRESS_OUTPUTS = ('css', 'js', 'manifest.json')


def log(message):
    print('stacklab-dashboard: ' + message, file=sys.stderr, flush=True)


def link_static_tree(packaged, ours, output_dir):
    """Fills `ours` with links to the packaged static files, except the
    compressor's outputs, which `compress` then writes for our settings."""
    os.makedirs(ours)
    for entry in sorted(os.listdir(packaged)):
        if entry != output_dir:
            os.symlink(os.path.join(packaged, entry), os.path.join(ours, entry))
            continue
        os.makedirs(os.path.join(ours, entry))
        for sub in sorted(os.listdir(os.path.join(packaged, entry))):
            if sub not in COMPRESS_OUTPUTS:
                os.symlink(os.path.join(packaged, entry, sub), os.path.join(ours, entry, sub))


def prepare_static(settings):
    """Builds the static tree once per Horizon version (about 10 s: SCSS
    compilation) in a folder of its own, then renames it into place, so that
    two dashboards starting at once never see half a tree."""
    final = settings.STATIC_ROOT
    if os.path.isdir(final):
        return
    started = time.monotonic()
    log('compressing CSS and JavaScript for %s into %s (once per Horizon version)' % (settings.WEBROOT, final))
    building = '%s.building-%d' % (final, os.getpid())
    shutil.rmtree(building, ignore_errors=True)
    link_static_tree(settings.PACKAGED_STATIC_ROOT, building, settings.COMPRESS_OUTPUT_DIR)
    env = dict(os.environ, STACKLAB_DASHBOARD_STATIC_ROOT=building, PYTHONPATH=HERE)
    subprocess.run([sys.executable, '-m', 'django', 'compress', '--force', '--verbosity', '0'], env=env, check=True)
    try:
        os.rename(building, final)
    except OSError:  # another dashboard finished first: its tree is as good
        shutil.rmtree(building, ignore_errors=True)
    log('static files ready in %.1f s' % (time.monotonic() - started))


def mounted(application, webroot):
    """Serves `application` under `webroot` as Apache's WSGIScriptAlias does:
    the prefix moves from PATH_INFO to SCRIPT_NAME, so Django's URLs match;
    other paths redirect to the dashboard."""
    prefix = webroot.rstrip('/')

    def app(environ, start_response):
        path = environ.get('PATH_INFO', '')
        if path == prefix or path.startswith(prefix + '/'):
            environ['SCRIPT_NAME'] = environ.get('SCRIPT_NAME', '') + prefix
            environ['PATH_INFO'] = path[len(prefix):] or '/'
            return application(environ, start_response)
        start_response('302 Found', [('Location', webroot), ('Content-Length', '0')])
        return [b'']

    return app


def build_application(settings):
    from django.core.wsgi import get_wsgi_application
    from whitenoise import WhiteNoise

    return WhiteNoise(mounted(get_wsgi_application(), settings.WEBROOT), root=settings.STATIC_ROOT,
                      prefix=settings.STATIC_URL)


def serve(application, bind):
    from gunicorn.app.base import BaseApplication

    class HorizonServer(BaseApplication):
        def load_config(self):
            for key, value in {
                'bind': [bind],
                'workers': 1,  # sessions and caches are in this process's memory
                'worker_class': 'gthread',
                'threads': 4,
                'timeout': 120,
                'graceful_timeout': 2,
                'accesslog': '-',
                'errorlog': '-',
                'proc_name': 'stacklab-dashboard',
            }.items():
                self.cfg.set(key, value)

        def load(self):
            return application

    HorizonServer().run()


def main():
    parser = argparse.ArgumentParser(description='Serve Horizon for a stacklab cloud.')
    parser.add_argument('--bind', required=True, help='HOST:PORT (or unix:PATH)')
    args = parser.parse_args()

    sys.path.insert(0, HERE)
    os.environ['DJANGO_SETTINGS_MODULE'] = 'local_settings'
    try:
        import django
        import gunicorn.app.base  # noqa: F401
        import openstack_dashboard  # noqa: F401
        import whitenoise  # noqa: F401
    except ImportError as e:
        log("cannot import %s: the dashboard needs Debian's openstack-dashboard, python3-gunicorn and "
            "python3-whitenoise (`make deps` installs them)" % e.name)
        return EXIT_MISSING
    started = time.monotonic()
    # The static tree is ready before Django loads its applications: one of
    # them creates a folder under STATIC_ROOT on import.
    import local_settings
    prepare_static(local_settings)
    django.setup()
    from django.conf import settings

    # Horizon's libraries warn on every request (policy scope checks,
    # deprecated arguments): that would bury the errors a student looks for.
    warnings.filterwarnings('ignore', category=DeprecationWarning)
    warnings.filterwarnings('ignore', category=UserWarning)

    application = build_application(settings)
    log('Horizon loaded in %.1f s, serving on %s' % (time.monotonic() - started, args.bind))
    serve(application, args.bind)
    return 0


if __name__ == '__main__':
    sys.exit(main())
