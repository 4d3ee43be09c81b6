"""GitLab Pages: ``.gitlab-ci.yml`` that builds on push and from a daily pipeline schedule."""

from __future__ import annotations

from .deployment import BUILD_MINUTE, Deployment

PATH = ".gitlab-ci.yml"


def pipeline(d: Deployment) -> str:
    """The pipeline file (``.gitlab-ci.yml``)."""
    return _PIPELINE.format(tz=d.timezone, minute=BUILD_MINUTE, url=d.site_url)


_PIPELINE = """\
# Build the site with accompany and publish it on GitLab Pages ({url}):
# on every push to the default branch, and every day from a pipeline schedule
# (deadlines, embargoes and review dates take effect only when the site is built).
#
# Once: Build > Pipeline schedules > New schedule: interval pattern "{minute} 0 * * *",
# cron time zone {tz}, target branch: the default branch.
# A failed pipeline keeps the last site online; GitLab e-mails the failure to
# whoever owns the schedule (Settings > Integrations > Pipeline status emails
# can add the maintainers' address).
pages:
  image: python:3.12-slim-bookworm
  stage: deploy
  timeout: 30 minutes
  interruptible: false
  rules:
    - if: $CI_PIPELINE_SOURCE == "schedule"
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  before_script:
    - apt-get update -qq
    - apt-get install -y -qq --no-install-recommends git libpango-1.0-0 libpangoft2-1.0-0 >/dev/null
    - python -m pip install --quiet -r requirements.txt
  script:
    - accompany check
    - accompany build --site-dir public
  artifacts:
    paths:
      - public
"""
