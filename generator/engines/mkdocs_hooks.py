"""MkDocs hooks of the staged project (``hooks:`` in the mkdocs.yml accompany writes); MkDocs runs this file,
accompany never imports it.

Every Jinja environment the theme makes (``Theme.get_env``: MkDocs' own, and the one Material's search plugin
makes to translate its words) is given two things, before any plugin asks for one:

- where the build gives the runs a folder to keep what they compile (``ACCOMPANY_ENGINE_CACHE``), Jinja keeps
  each compiled template there, checked against its source (a template changed is compiled again). A template
  of the staged theme is known by its path inside the staged project, not by the staging folder's name, which
  changes with every build: otherwise each run compiles the theme's own templates again.
- a loader that lists no hidden folder. MkDocs lists every file of the theme to copy its static files, then
  drops the hidden ones (``.*``, ``*/.*``); Material keeps its 14,000 icons in ``.icons``, walked and matched one
  by one on every run (a tenth of a second of a run of a few pages). The files copied are the same.
"""

import os

import jinja2
from mkdocs.plugins import event_priority


class _Listing(jinja2.FileSystemLoader):
    """A FileSystemLoader whose list of templates leaves out hidden files and folders (loading is the same)."""

    def list_templates(self):
        found = set()
        for searchpath in self.searchpath:
            for dirpath, dirnames, filenames in os.walk(searchpath, followlinks=self.followlinks):
                dirnames[:] = [name for name in dirnames if not name.startswith(".")]
                for filename in filenames:
                    if not filename.startswith("."):
                        relative = os.path.relpath(os.path.join(dirpath, filename), searchpath)
                        found.add(relative.replace(os.path.sep, "/"))
        return sorted(found)


class _Compiled(jinja2.FileSystemBytecodeCache):
    """Jinja's cache of compiled templates, where a template of the staged project is known by its path in it."""

    def __init__(self, folder, project):
        super().__init__(folder)
        self.project = os.path.join(os.path.abspath(project), "")

    def get_cache_key(self, name, filename=None):
        if filename is not None and filename.startswith(self.project):
            filename = "project:" + filename[len(self.project):]
        return super().get_cache_key(name, filename)


@event_priority(100)  # before the search plugin's, which makes an environment of its own
def on_config(config):
    theme = config.theme
    make = theme.get_env
    folder = os.environ.get("ACCOMPANY_ENGINE_CACHE")
    project = os.path.dirname(config.config_file_path)

    def get_env():
        env = make()
        env.loader = _Listing(env.loader.searchpath)
        if folder:  # the build made it
            env.bytecode_cache = _Compiled(folder, project)
        return env

    theme.get_env = get_env
    return config
