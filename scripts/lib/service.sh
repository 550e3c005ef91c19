# Sourced by the load scripts (bench-agent, load, faults): the service in release mode
# against throw-away servers, with the example directory and policy.
#   rf_build_service        builds ringfence (release, .build-release; RF_BUILD=debug uses the
#                           debug build of scripts/test instead); sets RF_BIN
#   rf_prepare_database     migrates, syncs the sample directory, publishes examples/policy
#   rf_start_service [YAML] starts `ringfence serve` with rate limits out of the way (extra
#                           server: keys from YAML); sets RF_PORT, RF_METRICS_PORT, RF_SERVE_PID
#   rf_stop_service         stops it (SIGTERM, waits)
# Needs scripts/lib/servers.sh sourced and rf_start_postgres / rf_start_slapd run.

rf_build_service() {
  if [ "${RF_BUILD:-release}" = debug ]; then
    swift build --product ringfence 2>&1 | grep -E "error|warning: " || true
    RF_BIN="$(swift build --show-bin-path)/ringfence"
  else
    echo "== building ringfence (release)"
    swift build -c release --scratch-path .build-release --product ringfence 2>&1 | grep -E "error|warning: " || true
    RF_BIN="$(swift build -c release --scratch-path .build-release --show-bin-path)/ringfence"
  fi
  export RINGFENCE_DATABASE_URL="$RINGFENCE_TEST_PG_URL"
  export RINGFENCE_LDAP_URL="$RINGFENCE_TEST_LDAP_URL"
  export RINGFENCE_LDAP_PASSWORD="$RINGFENCE_TEST_LDAP_PASSWORD"
}

rf_prepare_database() {
  "$RF_BIN" migrate >/dev/null
  "$RF_BIN" sync --config examples/ringfence.yaml >/dev/null
  "$RF_BIN" apply -f examples/policy --yes --actor bench --comment "bench" >/dev/null
}

rf_start_service() {
  RF_PORT=$(rf_free_port)
  RF_METRICS_PORT=$(rf_free_port)
  local config="$RF_SERVERS_DIR/service.yaml"
  cat >"$config" <<YAML
server:
  listen: 127.0.0.1:$RF_PORT
  metrics: 127.0.0.1:$RF_METRICS_PORT
  rateLimit: { perSecond: 1000000, burst: 1000000 }
  enrollRateLimit: { perSecond: 1000000, burst: 1000000 }
${1:-}
YAML
  "$RF_BIN" serve --config "$config" >>"$RF_SERVERS_DIR/serve.log" 2>&1 &
  RF_SERVE_PID=$!
  "$RF_BIN" health --server "127.0.0.1:$RF_PORT" --wait 60s >/dev/null
}

rf_stop_service() {
  [ -n "${RF_SERVE_PID:-}" ] || return 0
  kill "$RF_SERVE_PID" 2>/dev/null || true
  wait "$RF_SERVE_PID" 2>/dev/null || true
  RF_SERVE_PID=""
}
