"""Flask Reports: the DSS-style flow. The backend asks Behalf who views, with the secrets they consented to."""

import os

from flask import Flask, render_template_string, request

from behalf import BehalfError, ImpersonationDeniedError, Runtime

app = Flask(__name__)
behalf = Runtime.from_env()

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>Reports</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
[role=alert]{color:#b00020}@media (prefers-color-scheme:dark){body{background:#111;color:#eee}}</style></head><body><main>
<h1>{{ heading }}</h1>
{% if refusal %}<p role="alert">{{ refusal }}</p>{% endif %}
{% if connected is not none %}
  {% if connected %}<p>Your warehouse credential is connected.</p>
  {% elif waiting %}<p>Consent needed: let this webapp use your secret <code>warehouse</code> in My secrets.</p>
  {% else %}<p>No warehouse credential: store a secret named <code>warehouse</code>.</p>{% endif %}
{% endif %}
{% if not refusal %}<h2>Reports you may read</h2>
{% if reports %}<ul>{% for r in reports %}<li>{{ r }}</li>{% endfor %}</ul>{% else %}<p>None yet: ask a dataset's owner for access.</p>{% endif %}{% endif %}
</main></body></html>"""


@app.get("/")
def reports():
    try:
        info = behalf.auth_info(request.headers, with_secrets=True)
    except BehalfError as error:
        return render_template_string(PAGE, heading="Not signed in", refusal=error.message, connected=None, reports=[]), error.status
    viewer = info.viewer
    # The secret's value stays in this process: it would open the viewer's warehouse connection.
    connected = "warehouse" in info.secrets
    try:
        with behalf.as_viewer(viewer):
            names = [d["name"] for d in behalf.datasets.list()]
    except ImpersonationDeniedError as refusal:
        message = "Behalf refused to act as you (%s): %s" % (refusal.reason, refusal.message)
        return render_template_string(PAGE, heading="Reports for %s" % viewer.display_name, refusal=message, connected=None, reports=[]), refusal.status
    return render_template_string(
        PAGE,
        heading="Reports for %s" % viewer.display_name,
        refusal=None,
        connected=connected,
        waiting="warehouse" in info.secrets_without_consent,
        reports=names,
    )


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8050")))
