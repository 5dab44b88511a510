"""Background jobs (docs/decisions/0046): the outboxes are the truth, jobs only wake them.

Email and search changes are first written to their outbox tables in the transaction that
caused them. After the commit something has to work the outbox off: with ``REDIS_URL`` set,
a job on an RQ queue in Redis (``JOBS_QUEUE``) that ``flask jobs worker`` runs; without it
(the embedded default, ``make run``) this very process, right away, exactly as before.

A job is a module-level function named by its dotted path, run in an app context and safe
to run twice, so this package imports no feature package and a lost or repeated job costs
nothing but a delay: the worker's sweep wakes every outbox again every ``JOBS_SWEEP_SECONDS``.
"""

import contextlib
import logging
import re
import uuid
from importlib import import_module

log = logging.getLogger(__name__)

# A job that raises is tried again after 10 s, 30 s, 1, 5 and 15 minutes (RQ's scheduler).
RETRY_INTERVALS = [10, 30, 60, 300, 900]
# app.extensions hooks the mail and search outboxes call after a commit that wrote them.
MAIL_DISPATCH = "suar.mail.dispatch"
SEARCH_DISPATCH = "suar.search.dispatch"
SEND_MAIL = "app.jobs.tasks.send_mail"
APPLY_SEARCH = "app.jobs.tasks.apply_search"
# A wake-up waiting in the queue stands for every later one until it starts; if it is lost
# (the queue emptied by hand) the next one may be enqueued after this long.
WAKE_SECONDS = 600
# A request never waits long for Redis: the outbox keeps the work when it does not answer.
WEB_REDIS_TIMEOUT = 2.0

_clients = {}


def configured(app):
    """Whether jobs go to a queue (``REDIS_URL`` set) rather than run in this process."""
    return bool(app.config.get("REDIS_URL"))


def register(app):
    """With a queue, the outboxes' after-commit hooks enqueue a wake-up instead of working.

    Runs after ``app.mail.register`` (which installs the in-process default)."""
    if not configured(app):
        return
    app.extensions[MAIL_DISPATCH] = lambda app: wake(app, SEND_MAIL)
    app.extensions[SEARCH_DISPATCH] = lambda app: wake(app, APPLY_SEARCH)


def connection(app):
    """This process's Redis client for ``REDIS_URL``, with short timeouts (one per URL)."""
    from redis import Redis

    url = app.config["REDIS_URL"]
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = Redis.from_url(
            url, socket_timeout=WEB_REDIS_TIMEOUT, socket_connect_timeout=WEB_REDIS_TIMEOUT
        )
    return client


def queue(app, redis=None):
    """The app's RQ queue (``JOBS_QUEUE``)."""
    from rq import Queue

    return Queue(app.config["JOBS_QUEUE"], connection=redis if redis is not None else connection(app))


def new_job_id(queue_name, path):
    """``<queue>-<function>-<random>``: readable in ``rq info``, and every key of a queue's
    jobs carries its name (the tests delete exactly their own keys)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", f"{queue_name}-{path.rsplit('.', 1)[-1]}-{uuid.uuid4().hex}")


def enqueue(app, path, *args, job_id=None):
    """Run the job ``path`` with ``args``: on the queue when there is one (returns the RQ job,
    retried with back-off if it raises), else now in this process (returns its result)."""
    if not configured(app):
        return run_now(app, path, *args)
    from rq import Retry

    return queue(app).enqueue(
        path,
        *args,
        job_id=job_id or new_job_id(app.config["JOBS_QUEUE"], path),
        retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
        # The worker logs the job under the id of the request that enqueued it (app/ops/logs.py).
        meta={"request_id": request_id()},
    )


def request_id():
    """The request id bound for this request or job's logs (app/ops/logs.py), or None."""
    from structlog.contextvars import get_contextvars

    return get_contextvars().get("request_id")


@contextlib.contextmanager
def logged_as(request_id):
    """Log everything inside under ``request_id`` when there is one (a job of that request)."""
    if not request_id:
        yield
        return
    from structlog.contextvars import bound_contextvars

    with bound_contextvars(request_id=request_id):
        yield


def run_now(app, path, *args):
    """Call the job ``path`` in this process, in an app context of ``app``."""
    module, name = path.rsplit(".", 1)
    function = getattr(import_module(module), name)
    with app.app_context():
        return function(*args)


def wake_key(queue_name, path):
    return f"suar:jobs:{queue_name}:wake:{path}"


def wake(app, path):
    """Ask for the argument-less job ``path`` to run soon; one that waits, not yet started,
    already covers this request, so a burst of commits enqueues one job, not hundreds.

    Never raises: when Redis does not answer the work stays in its outbox (logged) and the
    worker's next sweep does it."""
    if not configured(app):
        return run_now(app, path)
    from redis.exceptions import RedisError

    key = wake_key(app.config["JOBS_QUEUE"], path)
    redis = connection(app)
    try:
        if not redis.set(key, "1", nx=True, ex=WAKE_SECONDS):
            return None
    except RedisError as error:
        log.warning("job queue unreachable, %s waits in its outbox for the worker's sweep: %s", path, error)
        return None
    try:
        return enqueue(app, path)
    except RedisError as error:
        log.warning("job queue unreachable, %s waits in its outbox for the worker's sweep: %s", path, error)
        with contextlib.suppress(RedisError):  # else the key expires on its own
            redis.delete(key)
        return None


def started(path):
    """Called by a wake-up job as it starts: later requests need a wake-up of their own (this
    one may already have read the outbox)."""
    from rq import get_current_job

    job = get_current_job()
    if job is not None:
        job.connection.delete(wake_key(job.origin, path))
