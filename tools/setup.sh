#!/bin/sh
# Installs the Debian packages listed in tools/packages.txt that are missing.
# Runs apt-get only as root and only when something is missing, so it is cheap
# to call before every build.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
missing=""
for pkg in $(grep -v '^#' "$here/packages.txt" | grep -v '^$'); do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $pkg" ;;
    esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "forkscope: missing Debian packages:$missing" >&2
    echo "forkscope: run tools/setup.sh as root (or sudo apt-get install$missing)" >&2
    exit 1
fi
echo "forkscope: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
