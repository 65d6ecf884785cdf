#!/usr/bin/env bash
# Installs the system tools the tests use (real tcpdump/tshark/strace/curl for
# samples and reference counts, chromium for the browser test, zip for the
# batch tests' archives), only when missing.
set -euo pipefail
need=()
command -v tcpdump  >/dev/null 2>&1 || need+=(tcpdump)
command -v tshark   >/dev/null 2>&1 || need+=(tshark)
command -v editcap  >/dev/null 2>&1 || need+=(wireshark-common)
command -v strace   >/dev/null 2>&1 || need+=(strace)
command -v curl     >/dev/null 2>&1 || need+=(curl)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v zip      >/dev/null 2>&1 || need+=(zip)
if ((${#need[@]})); then
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  echo "installing: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
