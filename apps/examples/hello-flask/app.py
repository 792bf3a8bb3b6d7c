import os
from flask import Flask, request
from behalf import BehalfError, Runtime

app, behalf = Flask(__name__), Runtime.from_env()

@app.errorhandler(BehalfError)
def refused(error):
    return error.message, error.status, {"content-type": "text/plain"}  # e.g. 403: no grant covers this viewer

@app.get("/")
def hello():
    viewer = behalf.viewer(request.headers)  # who views: the gateway's identity token, verified
    with behalf.as_viewer(viewer):  # calls inside act as the viewer, where a grant allows it
        names = [d["name"] for d in behalf.datasets.list()]
    return "Hello %s. Your datasets: %s" % (viewer.display_name, ", ".join(names) or "none")

app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
