"""Streamlit Sales: greets the viewer, lists the datasets they may read, and plots one, read as them."""

import io
import re

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from behalf import BehalfError, ImpersonationDeniedError, InvalidIdentityError, Runtime


@st.cache_resource
def behalf() -> Runtime:
    return Runtime.from_env()


def reload_for_a_fresh_identity() -> None:
    """The identity token came with this session's websocket and lives minutes: a reload opens a new
    websocket, on which the gateway puts a fresh one (the viewer's gateway session still holds)."""
    st.info("Your sign-in on this page has expired: reloading…")
    components.html("<script>window.parent.location.reload()</script>", height=0)
    st.stop()


runtime = behalf()
try:
    # The gateway's X-Behalf-Identity, on the websocket this session runs over, verified locally.
    viewer = runtime.viewer(st.context.headers)
except InvalidIdentityError as error:
    if error.reason == "expired":
        reload_for_a_fresh_identity()
    st.error("Behalf did not vouch for you: %s" % error.message)
    st.stop()
except BehalfError as error:
    st.error("Behalf did not vouch for you: %s" % error.message)
    st.stop()

# Titles are Markdown: a name is shown as it is, never read as markup.
st.title("Hello, %s" % re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~])", r"\\\1", viewer.display_name))
if viewer.anonymous:
    st.info("Sign in to see your sales data.")
    st.stop()

try:
    # Everything inside runs as the viewer: Behalf checks the grant and audits each call.
    with runtime.as_viewer(viewer):
        datasets = runtime.datasets.list()
        readable = [d for d in datasets if any(f["path"] == "monthly.csv" for f in runtime.datasets.files(d["id"]))]
        chosen = st.selectbox("Dataset to plot", [d["name"] for d in readable]) if readable else None
        table = None
        if chosen:
            dataset = next(d for d in readable if d["name"] == chosen)
            table = pd.read_csv(io.BytesIO(runtime.datasets.read(dataset["id"], "monthly.csv")))
except ImpersonationDeniedError as refusal:
    if refusal.status == 401:
        reload_for_a_fresh_identity()
    st.error("Behalf refused to act as you (%s): %s" % (refusal.reason, refusal.message))
    st.stop()

st.button("Refresh")  # a rerun: everything above is read again, as the viewer
st.subheader("Datasets you may read")
for d in datasets:
    st.text("%s (%s)" % (d["name"], d["access"]))
if table is not None:
    st.subheader("%s/monthly.csv" % chosen)
    st.caption("%d rows, read as %s" % (len(table), viewer.login))
    st.bar_chart(table, x=table.columns[0], y=table.columns[1])
