#!/bin/sh
# What the deploy tests (tests/test_nginx.py, tests/test_recipes.py) need beyond the Python packages:
#   - Debian's nginx at /usr/sbin/nginx: the tests start their own on 127.0.0.1 with a
#     configuration of their own (never the system's, which they do not touch);
#   - openssl, for the throwaway certificate of that test server;
#   - systemd-analyze, to verify the systemd units (Debian's systemd package);
#   - shellcheck, which actionlint runs on the workflow's shell steps.
# `make test` runs this once (stamp: .venv/.server-deps); run it again at will.
# On a desktop Debian, installing the nginx package also starts the system's own nginx on
# port 80: stop it with `sudo systemctl disable --now nginx` if you do not want it.
set -eu

missing=
[ -x /usr/sbin/nginx ] || missing="$missing nginx"
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
command -v systemd-analyze >/dev/null 2>&1 || missing="$missing systemd"
command -v shellcheck >/dev/null 2>&1 || missing="$missing shellcheck"
if [ -n "$missing" ]; then
    if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi
    echo "Installing Debian's$missing with apt-get..."
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
/usr/sbin/nginx -v 2>&1 | grep -q "nginx version" || { echo "error: /usr/sbin/nginx does not run" >&2; exit 1; }
