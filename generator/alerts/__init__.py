"""Emergency-network alerts by e-mail, and WebSub pings, from the site as last built.

    build            records what it published (snapshot.py), after the swap
    accompany alert  events since the last alert (events.py), each composed
                     (compose.py, wording.py; outputs/plaintext.py), checked (guard.py),
                     then written as .eml or sent (send.py) and recorded (state.py)
    accompany websub the hub told which feeds changed (websub.py)

Everything lives in ``.accompany/alerts/`` (git-ignored, never served):
``published-<lang>.json`` (the snapshot), ``alerted-<lang>.json`` (what the
network was told), ``outbox/`` (the last dry run), ``websub.json``.
"""
