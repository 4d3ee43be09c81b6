"""MkDocs hooks of the staged project (``hooks:`` in the mkdocs.yml accompany writes); MkDocs runs this file,
accompany never imports it.

Material's templates are compiled by Jinja on every run (about a quarter of a run of a few pages); where the
build gives the runs a folder to keep what they compile (``ACCOMPANY_ENGINE_CACHE``), Jinja keeps it there,
each template by its name and checked against its source: a template changed is compiled again.
"""

import os

import jinja2


def on_env(env, config, files):
    folder = os.environ.get("ACCOMPANY_ENGINE_CACHE")
    if folder:  # the build made it
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(folder)
    return env
