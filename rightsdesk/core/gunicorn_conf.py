"""gunicorn settings used by ``python -m rightsdesk serve``."""

import os

wsgi_app = "rightsdesk.wsgi:application"
worker_class = "gthread"
workers = int(os.environ.get("RIGHTSDESK_WEB_WORKERS", str(max(2, os.cpu_count() or 1))))
threads = int(os.environ.get("RIGHTSDESK_WEB_THREADS", "8"))
graceful_timeout = 20
timeout = 60
keepalive = 5
# Requests are small; refuse oversized header blocks early.
limit_request_line = 8190
limit_request_fields = 100
# No access log, ever: it would record who visited.
accesslog = None
logger_class = "rightsdesk.core.logging.GunicornLogger"
errorlog = "-"
loglevel = os.environ.get("RIGHTSDESK_LOG_LEVEL", "info").lower()
proc_name = "rightsdesk-web"
forwarded_allow_ips = os.environ.get("RIGHTSDESK_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Several instances may run for one user (tests, benchmarks); none needs a control socket.
control_socket_disable = True
