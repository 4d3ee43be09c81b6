#!/bin/sh
# What the editing page (accompany cms, make edit) and the browser tests need from the npm registry:
#   - the packages of package.json, at the versions package-lock.json pins: axe-core (browser
#     tests) and decap-server (the CMS's local backend);
#   - Decap CMS's ready-made build (dist/), from the registry's tarball of decap-cms at the version
#     and checksum below, into node_modules/decap-cms/. `accompany cms` copies it into admin/, so
#     the editing page is served from our own host. Installing decap-cms as a dependency instead
#     would also install the ~600 packages (about 390 MB) its build uses and the bundle does not.
# To update Decap CMS: change the version, run `npm view decap-cms@VERSION dist.integrity`, paste it.
set -eu
cd "$(dirname "$0")/.."

DECAP_CMS_VERSION=3.16.3
DECAP_CMS_INTEGRITY=sha512-hf+dPlCh7TJmWl8+6VRzHYOWhri5xgUknrZbDewaWe4s9B7xJ8PQugp2QHeSldMUKzav6+z0oIpwUYhUJDYtYw==

if ! command -v npm >/dev/null 2>&1; then
    echo "error: npm is missing: install Node.js and npm (Debian: apt-get install nodejs npm)" >&2
    exit 1
fi
npm ci --no-audit --no-fund --loglevel=error

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npm pack "decap-cms@$DECAP_CMS_VERSION" --pack-destination "$tmp" --loglevel=error >/dev/null
tarball="$tmp/decap-cms-$DECAP_CMS_VERSION.tgz"
actual=$(node -e 'const c = require("crypto"), f = require("fs");
process.stdout.write("sha512-" + c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tarball")
if [ "$actual" != "$DECAP_CMS_INTEGRITY" ]; then
    echo "error: decap-cms@$DECAP_CMS_VERSION from the registry is not the pinned file" >&2
    echo "  expected $DECAP_CMS_INTEGRITY" >&2
    echo "  got      $actual" >&2
    exit 1
fi
tar -xzf "$tarball" -C "$tmp"
target=node_modules/decap-cms
rm -rf "$target"
mkdir -p "$target/dist"
cp "$tmp/package/package.json" "$tmp/package/README.md" "$target/"
for file in "$tmp"/package/dist/*; do
    case "${file##*/}" in
        decap-cms.js | *.decap-cms.js | *.wasm | decap-cms.js.LICENSE.txt) cp "$file" "$target/dist/" ;;
    esac
done
test -f "$target/dist/decap-cms.js"
test -f node_modules/decap-server/dist/index.js
touch node_modules/.cms-deps
