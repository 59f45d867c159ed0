"""How every service is served over HTTP: uvicorn with the platform's trusted proxies."""

import uvicorn

from sharik.settings import ServiceSettings


def server_config(settings: ServiceSettings, app, **options) -> uvicorn.Config:
    """uvicorn's configuration for `app`. Forwarded headers are believed only from
    `settings.forwarded_allow_ips`: uvicorn's own default believes any loopback peer."""
    trusted = settings.forwarded_allow_ips.strip()
    return uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
        **options,
    )


def serve(settings: ServiceSettings, app) -> None:
    """Serve `app` until SIGTERM, then finish in-flight requests for up to 20 s."""
    uvicorn.Server(server_config(settings, app, timeout_graceful_shutdown=20)).run()
