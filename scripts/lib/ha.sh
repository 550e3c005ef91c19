# High availability pieces for scripts/scale-out (source after scripts/lib/servers.sh):
# a synchronous streaming standby of the PostgreSQL rf_start_postgres started, its
# promotion, a crash of the primary, and HAProxy in front of it all.
#   rf_start_standby     pg_basebackup of the primary, started as a standby that refuses
#                        connections until promoted (hot_standby=off, so a proxy's health
#                        check finds only the primary), then made the synchronous standby:
#                        a commit is acknowledged only once the standby has it
#   rf_crash_primary     SIGKILL to the primary's postmaster and every backend (no shutdown)
#   rf_promote_standby   pg_ctl promote: the standby becomes the primary
#   rf_start_haproxy CFG PORT  starts HAProxy with the configuration file CFG (checked
#                        first) and waits until it accepts connections on PORT
# Sets RF_STANDBY_DIR, RF_STANDBY_PORT, RF_HAPROXY_PID.

rf_start_standby() {
  local dir port
  dir="$RF_SERVERS_DIR/standby"
  port=$(rf_free_port)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  rf_pg "$RF_PG_BIN/pg_basebackup" -d "host=127.0.0.1 port=$RF_PG_PORT user=ringfence application_name=standby" \
    -D "$dir/data" -R -X stream -c fast >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; return 1; }
  RF_STANDBY_OPTS="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=500 -c hot_standby=off"
  rf_pg "$RF_PG_BIN/pg_ctl" -D "$dir/data" -o "$RF_STANDBY_OPTS" -l "$dir/server.log" -w -t 60 start >/dev/null \
    || { cat "$dir/server.log" >&2; return 1; }
  RF_STANDBY_DIR="$dir"
  RF_STANDBY_PORT="$port"
  psql -X -q -h 127.0.0.1 -p "$RF_PG_PORT" -U ringfence ringfence \
    -c "ALTER SYSTEM SET synchronous_standby_names = 'standby'" -c "SELECT pg_reload_conf()" >/dev/null
  local tries=0 state=""
  until [ "$state" = sync ]; do
    state=$(psql -X -A -t -h 127.0.0.1 -p "$RF_PG_PORT" -U ringfence ringfence \
      -c "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby'")
    tries=$((tries + 1))
    [ $tries -gt 600 ] && { rf_log "the standby did not become synchronous"; tail -20 "$dir/server.log" >&2; return 1; }
    [ "$state" = sync ] || sleep 0.1
  done
  rf_log "PostgreSQL synchronous standby on 127.0.0.1:$port (refuses connections until promoted)"
}

rf_crash_primary() {
  local postmaster children
  postmaster=$(head -1 "$RF_PG_DIR/data/postmaster.pid")
  children=$(pgrep -P "$postmaster" || true)
  # shellcheck disable=SC2086
  kill -KILL "$postmaster" $children 2>/dev/null || true
  RF_PG_DIR_CRASHED="$RF_PG_DIR"
  RF_PG_DIR=""
}

rf_promote_standby() {
  rf_pg "$RF_PG_BIN/pg_ctl" -D "$RF_STANDBY_DIR/data" -w -t 60 promote >/dev/null
}

rf_stop_standby() {
  [ -n "${RF_STANDBY_DIR:-}" ] || return 0
  rf_pg "$RF_PG_BIN/pg_ctl" -D "$RF_STANDBY_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  RF_STANDBY_DIR=""
}

rf_start_haproxy() {
  haproxy -c -q -f "$1" || { rf_log "HAProxy refused its configuration $1"; return 1; }
  haproxy -f "$1" -db >"$RF_SERVERS_DIR/haproxy.log" 2>&1 &
  RF_HAPROXY_PID=$!
  local tries=0
  until python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1).close()" "$2" 2>/dev/null; do
    tries=$((tries + 1))
    if [ $tries -gt 100 ] || ! kill -0 "$RF_HAPROXY_PID" 2>/dev/null; then
      rf_log "HAProxy did not start"; cat "$RF_SERVERS_DIR/haproxy.log" >&2; return 1
    fi
    sleep 0.1
  done
}

rf_stop_haproxy() {
  [ -n "${RF_HAPROXY_PID:-}" ] || return 0
  kill "$RF_HAPROXY_PID" 2>/dev/null || true
  wait "$RF_HAPROXY_PID" 2>/dev/null || true
  RF_HAPROXY_PID=""
}

# rf_replica_server_yaml GRPC_PORT METRICS_PORT: the `server:` lines every replica behind the
# balancer shares — loopback addresses, rate limits out of the way of the load, and the
# per-address cap at the total (behind the balancer every connection comes from its address).
rf_replica_server_yaml() {
  cat <<YAML
server:
  listen: 127.0.0.1:$1
  metrics: 127.0.0.1:$2
  rateLimit: { perSecond: 1000000, burst: 1000000 }
  enrollRateLimit: { perSecond: 1000000, burst: 1000000 }
  connections: { max: 20000, perAddress: 20000 }
YAML
}

# rf_start_replica INDEX CONFIG GRPC_PORT: `ringfence serve --config CONFIG`, its log in
# $RF_SERVERS_DIR/replicaINDEX.log and its pid in replica_pids[INDEX]; returns once it
# answers health checks on GRPC_PORT.
rf_start_replica() {
  "$RF_BIN" serve --config "$2" >>"$RF_SERVERS_DIR/replica$1.log" 2>&1 &
  replica_pids[$1]=$!
  "$RF_BIN" health --server "127.0.0.1:$3" --wait 60s >/dev/null
}

# rf_stop_replicas: SIGTERM to every replica in replica_pids, then waits — bounded: one
# that has not stopped 30 s later is named and killed.
rf_stop_replicas() {
  local pid _
  for pid in "${replica_pids[@]}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  for pid in "${replica_pids[@]}"; do
    [ -n "$pid" ] || continue
    for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "note: replica process $pid had not stopped 30 s after SIGTERM; killed" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
}
