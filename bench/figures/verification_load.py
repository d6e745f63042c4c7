"""Figure 6: the public verification page under load, beside a minimal Django view in the same server.

gunicorn with 2 workers serves the benchmark settings on 127.0.0.1 (a port of 8091–8099, `--port`); wrk
loads each URL for a few seconds, then the server is stopped. Both URLs pass the same middleware; the
minimal view (bench/urls.py) does nothing else, so the ratio is the cost of the verification page itself.
wrk shares the machine's cores with the server, as a load generator on loopback must.

The per-client rate limit would refuse all but the first 60 requests a minute from 127.0.0.1, so the server
runs with a limit high enough never to trip; the limit is still counted on every request (its cost is in
the figure). Refused or failed requests are reported and never counted as throughput.
"""

from bench import loadtest
from bench.harness import Figure
from bench.loadtest import LoadResult, server, wrk

PORT = 8091
SECONDS = 5
RATE_ENV = {"REGISTRY_VERIFY_RATE": "1000000/s", "REGISTRY_VERIFY_LOOKUP_RATE": "1000000/s"}


def missing() -> str | None:
    """What this figure needs and this machine lacks (checked before it runs), or None."""
    return loadtest.wrk_missing()


def verify_path() -> str | None:
    """The QR link of a valid certificate in the bench database: the real token lookup and masked answer.

    None when the database holds no valid certificate (run figure 1 first, as `python -m bench` does).
    """
    from registry.models import RegistrationCertificate

    token = (
        RegistrationCertificate.objects.filter(state=RegistrationCertificate.State.VALID)
        .order_by("pk")
        .values_list("verification_token", flat=True)
        .first()
    )
    return f"/verify/{token}/" if token else None


def _details(result: LoadResult) -> dict[str, float | int]:
    return {
        "requests": result.requests,
        "failed": result.failed,
        "req_per_s": result.per_second,
        "p50_ms": result.p50_ms,
        "p90_ms": result.p90_ms,
        "p95_ms": result.p95_ms,
        "p99_ms": result.p99_ms,
        "max_ms": result.max_ms,
    }


def run(*, port: int = PORT, seconds: int = SECONDS) -> Figure:
    path = verify_path()
    with server(port=port, workers=2, env=RATE_ENV) as base:
        wrk(base + "/bench/minimal/", seconds=1)  # warm both workers
        minimal = wrk(base + "/bench/minimal/", seconds=seconds)
        ours = None
        if path is not None:
            wrk(base + path, seconds=1)
            ours = wrk(base + path, seconds=seconds)
    details: dict[str, object] = {"minimal": _details(minimal), "workers": 2, "seconds": seconds}
    if ours is None:
        details["note"] = "no valid certificate in the bench database: only the minimal view was loaded"
    else:
        details["verify"] = _details(ours)
        details["verify_path"] = "/verify/<token>/"
    clean = ours is not None and ours.failed == 0 and minimal.failed == 0
    return Figure(
        key="verification_load",
        title="6. /verify/ under load (gunicorn ×2, wrk)",
        unit="req/s",
        ours=ours.per_second if ours is not None else None,
        baseline=minimal.per_second,
        target="≥ 0.5 × minimal view",
        met=(clean and ours.per_second >= 0.5 * minimal.per_second) if ours is not None else None,
        higher_is_better=True,
        details=details,
    )
