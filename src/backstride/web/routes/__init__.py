"""The routers of the web app, one per area; `ROUTERS` is what the app includes."""

from backstride.web.routes import (
    admin,
    auth,
    checkin,
    data,
    intakes,
    jobs,
    program,
    results,
    runners,
)

ROUTERS = (
    auth.router,
    runners.router,
    intakes.router,
    checkin.router,
    jobs.router,
    results.router,
    program.router,
    data.router,
    admin.router,
)

__all__ = ["ROUTERS"]
