#!/usr/bin/env bash
# The real Go modules the real-module tests read, downloaded by the go command into the
# user's module cache (`go env GOMODCACHE`), where they stay between runs. Only Kubernetes
# modules the tool reads, through whatever GOPROXY the machine is configured with.
set -euo pipefail
export GOFLAGS="${GOFLAGS:--modcacherw}" GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
cd "$(mktemp -d)"
go mod download -json \
  k8s.io/kubernetes@v1.37.2 k8s.io/client-go@v0.37.2 sigs.k8s.io/controller-runtime@v0.25.3 \
  k8s.io/kubernetes@v1.20.2 k8s.io/kubernetes@v1.13.0 \
  k8s.io/client-go@v0.20.2 k8s.io/client-go@v0.32.3 sigs.k8s.io/controller-runtime@v0.8.3 >/dev/null
echo "Go modules in $(go env GOMODCACHE)"
