"""The sales team's workspace (`flowkit serve`): web pages for reps and managers and a JSON
API, over the same library calls as the CLI with the logged-in person as the actor.

- `workspace`: what the server holds between requests (store, definitions, clock);
- `auth`: who a request comes from (session cookie, API token, single-sign-on proxy), CSRF;
- `boards`: what the workbench and the team board show, composed from the library;
- `pages` and `api`: the HTML screens and the `/api/v1` endpoints;
- `templating`: the Jinja2 environment (autoescaped, the language catalogue's words);
- `app`: the ASGI application that puts them together, its errors and its log.
"""
