#!/bin/sh
# The namespace Drover uses (NAMESPACE, default "default"), created once the server answers; an
# existing one is left as it is. Run by the `temporal-namespace` job of docker-compose.yml.
set -eu

namespace=${NAMESPACE:-default}
tries=0
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    echo "Temporal at $TEMPORAL_ADDRESS did not report healthy after $tries tries" >&2
    exit 1
  fi
  sleep 2
done
if temporal operator namespace describe --namespace "$namespace" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; then
  echo "namespace $namespace exists"
else
  temporal operator namespace create --namespace "$namespace" --retention 72h --address "$TEMPORAL_ADDRESS"
  echo "namespace $namespace created"
fi
