#!/usr/bin/env bash
# The Debian/Ubuntu tools the tests drive. As root the tests install them themselves (Apt.cs);
# GitHub's Ubuntu runners run the tests as a normal user, so the workflow installs them first.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
sudo apt-get update
# nginx (Ubuntu has no nginx-light), Prometheus + promtool, the blackbox exporter, Compose v1 for
# `docker-compose config`, Redis for the scale-out tests.
sudo apt-get install -y --no-install-recommends redis-server nginx prometheus prometheus-blackbox-exporter docker-compose
# Installed as services; the tests start their own instances on free ports.
sudo systemctl stop redis-server nginx prometheus prometheus-blackbox-exporter 2>/dev/null || true
