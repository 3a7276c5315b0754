"""The web app for runners and clinicians: FastAPI, server-rendered pages, a durable job queue.

It drives the same stages as the command line (the same check-in questions and rules, the same
program logging, the same assessment service) and re-implements none of them. Layout:

- `app`: the factory; `settings`: limits and lifetimes; `render`: templates;
- `visit`, `middleware`, `guard`, `ratelimit`, `passwords`: sessions, cookies, CSRF, access rules,
  login limits, argon2;
- `uploads`, `sniff`: streamed, limited, content-sniffed uploads;
- `checkin_form`, `charts`, `export`: the check-in as forms, inline SVG charts, the data export;
- `worker`, `jobkinds`: the background worker and what each kind of job does;
- `routes/`: one router per area.

Start with `backstride.web.app.create_app`.
"""
