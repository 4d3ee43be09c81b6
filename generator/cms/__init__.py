"""Editing in the browser: Decap CMS, configured from the same models that ``accompany check`` uses.

- ``content_types.py``: the content types to edit (the one place that reads the registry, core/kinds.py).
- ``widgets.py``: each key of a model as a CMS field (widget, label, help text, required, default).
- ``config.py``: the CMS configuration (collections, media, backend, languages) and the admin page's CSP.
- ``admin.py``: the files of ``admin/``: the page, its configuration and the CMS bundle from npm.
- ``local.py``: local editing: the CMS's local backend (``decap-server``) and the page on 127.0.0.1.
- ``command.py``: ``accompany cms`` (and ``--edit``, which ``make edit`` runs).

The CMS cannot enforce every rule (``deadline`` required while an action is open, a defender
must be published before an action names it): ``accompany check`` still does, on the files the
CMS writes, exactly as on files written by hand.
"""
