# Throw-away PostgreSQL 15 and OpenLDAP slapd on loopback, for tests and the demo.
# Source this file, then call rf_install_deps, rf_start_postgres, rf_start_slapd and
# rf_stop_servers (register it with `trap rf_stop_servers EXIT`). Everything lives under
# $RF_SERVERS_DIR (a fresh temporary folder unless set). Works as root (PostgreSQL then
# runs as the `postgres` user the Debian package creates) and as a normal user.
#
# Exports after start:
#   RINGFENCE_TEST_PG_URL   postgres://ringfence@127.0.0.1:PORT/ringfence
#   RINGFENCE_TEST_PGBOUNCER_URL the same through PgBouncer in session pooling (rf_start_pgbouncer)
#   RINGFENCE_TEST_LDAP_URL ldap://127.0.0.1:PORT/
#   RINGFENCE_TEST_LDAP_BASE, RINGFENCE_TEST_LDAP_BIND_DN, RINGFENCE_TEST_LDAP_PASSWORD
#   RINGFENCE_TEST_LDAP_ADMIN_DN, RINGFENCE_TEST_LDAP_ADMIN_PASSWORD (rootdn, for tests that edit)
#   RINGFENCE_TEST_LDAPS_URL ldaps://127.0.0.1:PORT/ and RINGFENCE_TEST_LDAP_CA (PEM of the
#   throw-away CA that signed slapd's certificate), for TLS tests; StartTLS works on the ldap:// port.

RF_ROOT=${RF_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
RF_PG_BIN=${RF_PG_BIN:-/usr/lib/postgresql/15/bin}
RF_LDAP_BASE="dc=example,dc=com"
RF_LDAP_ADMIN_DN="cn=admin,$RF_LDAP_BASE"
RF_LDAP_ADMIN_PASSWORD="admin-secret"
RF_LDAP_BIND_DN="cn=ringfence-sync,ou=services,$RF_LDAP_BASE"
RF_LDAP_BIND_PASSWORD="sync-secret"

rf_log() { printf '[servers] %s\n' "$*" >&2; }

# Installs PostgreSQL 15, slapd, ldap-utils, libldap2-dev, Samba, Chromium, HAProxy, PgBouncer
# and the tools the scripts use (pkg-config, openssl, curl, python3-venv) from Debian when missing.
rf_install_deps() {
  local missing=()
  [ -x "$RF_PG_BIN/initdb" ] || missing+=(postgresql)
  command -v slapd >/dev/null 2>&1 || [ -x /usr/sbin/slapd ] || missing+=(slapd)
  command -v ldapsearch >/dev/null 2>&1 || missing+=(ldap-utils)
  [ -f /usr/include/ldap.h ] || missing+=(libldap2-dev)
  command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  # Tests make real repositories (worktrees, submodules) with git.
  command -v git >/dev/null 2>&1 || missing+=(git)
  python3 -c 'import ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
  # Samba's Active Directory domain controller (tests of the active-directory preset).
  command -v samba-tool >/dev/null 2>&1 || missing+=(samba samba-dsdb-modules samba-ad-provision samba-vfs-modules)
  command -v ldbadd >/dev/null 2>&1 || missing+=(ldb-tools)
  # Headless Chromium and its WebDriver for the console's browser tests.
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  # The load balancer and the connection pooler of the scale-out run (scripts/scale-out).
  command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
  command -v pgbouncer >/dev/null 2>&1 || missing+=(pgbouncer)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    rf_log "missing Debian packages: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}"
    return 1
  fi
  rf_log "installing ${missing[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  # The packages' own service start is refused in containers; that is fine, we start our own.
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
}

rf_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Sets RF_SERVERS_DIR (in the calling shell, not a subshell) to a folder for the servers.
rf_init_servers_dir() {
  if [ -z "${RF_SERVERS_DIR:-}" ]; then
    RF_SERVERS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ringfence-servers.XXXXXX")
    RF_SERVERS_DIR_CREATED=1
  fi
  mkdir -p "$RF_SERVERS_DIR"
  chmod 755 "$RF_SERVERS_DIR"
}

# Runs a PostgreSQL binary as the right user.
rf_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# rf_start_postgres [extra postgres -c options...]
rf_start_postgres() {
  local dir port
  rf_init_servers_dir
  dir="$RF_SERVERS_DIR/postgres"
  port=${RF_PG_PORT:-$(rf_free_port)}
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  rf_pg "$RF_PG_BIN/initdb" -D "$dir/data" -U ringfence --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; return 1; }
  # Tests run in parallel, many with a `ringfence serve` and CLI processes of their own,
  # each a connection pool: 200 connections ran out on CI ("too many clients already").
  local opts="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=500"
  [ -n "${RF_PG_FAST:-}" ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  rf_pg "$RF_PG_BIN/pg_ctl" -D "$dir/data" -o "$opts $*" -l "$dir/server.log" -w -t 30 start >/dev/null \
    || { cat "$dir/server.log" >&2; return 1; }
  RF_PG_DIR="$dir"
  RF_PG_PORT="$port"
  RF_PG_OPTS="$opts $*"
  "$RF_PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U ringfence ringfence
  export RINGFENCE_TEST_PG_URL="postgres://ringfence@127.0.0.1:$port/ringfence"
  rf_log "PostgreSQL 15 listening on 127.0.0.1:$port (data in $dir/data)"
}

# PgBouncer (Debian) in session pooling in front of rf_start_postgres's server, for every
# database on it (docs/scaling.md "Connection pooling"). Exports RINGFENCE_TEST_PGBOUNCER_URL.
rf_start_pgbouncer() {
  local dir port tries=0
  dir="$RF_SERVERS_DIR/pgbouncer"
  port=$(rf_free_port)
  mkdir -p "$dir"
  printf '"ringfence" ""\n' >"$dir/userlist.txt"
  cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$RF_PG_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = session
max_client_conn = 1000
default_pool_size = 200
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir"
  rf_pg "$(command -v pgbouncer)" -d "$dir/pgbouncer.ini" >"$dir/start.log" 2>&1 || { cat "$dir/start.log" "$dir/pgbouncer.log" >&2; return 1; }
  until python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1).close()" "$port" 2>/dev/null; do
    tries=$((tries + 1))
    [ $tries -gt 100 ] && { rf_log "PgBouncer did not start"; cat "$dir/pgbouncer.log" >&2; return 1; }
    sleep 0.1
  done
  RF_PGBOUNCER_DIR="$dir"
  export RINGFENCE_TEST_PGBOUNCER_URL="postgres://ringfence@127.0.0.1:$port/ringfence"
  rf_log "PgBouncer (session pooling) listening on 127.0.0.1:$port in front of PostgreSQL"
}

rf_stop_pgbouncer() {
  [ -n "${RF_PGBOUNCER_DIR:-}" ] || return 0
  local pid
  pid=$(cat "$RF_PGBOUNCER_DIR/pgbouncer.pid" 2>/dev/null || true)
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  RF_PGBOUNCER_DIR=
}

rf_stop_postgres() {
  [ -n "${RF_PG_DIR:-}" ] || return 0
  rf_pg "$RF_PG_BIN/pg_ctl" -D "$RF_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  RF_PG_DIR=""
}

# Restarts PostgreSQL on the same port and data (for fault tests).
rf_restart_postgres() {
  rf_pg "$RF_PG_BIN/pg_ctl" -D "$RF_PG_DIR/data" -m fast -w restart >/dev/null
}

# Stops PostgreSQL (fast: open connections are cut) and starts it again later with
# rf_resume_postgres, same port and data (for outage tests).
rf_pause_postgres() {
  rf_pg "$RF_PG_BIN/pg_ctl" -D "$RF_PG_DIR/data" -m fast -w stop >/dev/null
}
rf_resume_postgres() {
  rf_pg "$RF_PG_BIN/pg_ctl" -D "$RF_PG_DIR/data" -o "$RF_PG_OPTS" -l "$RF_PG_DIR/server.log" -w -t 30 start >/dev/null
}

# Makes a throw-away CA and a server certificate for 127.0.0.1/localhost in DIR/tls.
rf_make_tls() {
  local tls="$1/tls"
  [ -f "$tls/server.pem" ] && return 0
  mkdir -p "$tls"
  (
    cd "$tls"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem -days 2 \
      -subj "/CN=Ringfence test CA" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr \
      -subj "/CN=127.0.0.1" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >ext.cnf
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext.cnf 2>/dev/null
    chmod 644 server.key
  )
}

# rf_start_slapd [sizelimit]  (default size limit 500, like many production servers)
rf_start_slapd() {
  local dir port tls_port sizelimit=${1:-500} slapd=/usr/sbin/slapd
  rf_init_servers_dir
  dir="$RF_SERVERS_DIR/slapd"
  port=${RF_LDAP_PORT:-$(rf_free_port)}
  tls_port=${RF_LDAPS_PORT:-$(rf_free_port)}
  mkdir -p "$dir/db"
  rf_make_tls "$dir"
  cat >"$dir/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
pidfile $dir/slapd.pid
argsfile $dir/slapd.args
TLSCACertificateFile $dir/tls/ca.pem
TLSCertificateFile $dir/tls/server.pem
TLSCertificateKeyFile $dir/tls/server.key
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload ppolicy
moduleload refint
sizelimit size.soft=$sizelimit size.hard=$sizelimit size.prtotal=unlimited
database mdb
maxsize 1073741824
suffix "$RF_LDAP_BASE"
rootdn "$RF_LDAP_ADMIN_DN"
rootpw $RF_LDAP_ADMIN_PASSWORD
directory $dir/db
index objectClass eq
index uid,cn,member eq
index modifyTimestamp eq
index entryUUID eq
# ppolicy defines pwdAccountLockedTime, which marks locked (disabled) accounts.
overlay ppolicy
# refint keeps member values current on rename, move and delete, as production directories do.
overlay refint
refint_attributes member uniqueMember
CONF
  slaptest -f "$dir/slapd.conf" -u >"$dir/slaptest.log" 2>&1 || { cat "$dir/slaptest.log" >&2; return 1; }
  # RF_LDAP_LDIF: LDIF files loaded offline, in order, separated by spaces (slapadd keeps
  # member values as written, unlike an online add).
  local ldif
  for ldif in ${RF_LDAP_LDIF:-}; do
    slapadd -f "$dir/slapd.conf" -l "$ldif" -q >>"$dir/slapadd.log" 2>&1 || { cat "$dir/slapadd.log" >&2; return 1; }
  done
  "$slapd" -h "ldap://127.0.0.1:$port/ ldaps://127.0.0.1:$tls_port/" -f "$dir/slapd.conf" || return 1
  # Readiness: slapd daemonizes before it accepts connections; poll with a bounded count.
  local tries=0
  until ldapsearch -x -H "ldap://127.0.0.1:$port/" -b '' -s base >/dev/null 2>&1; do
    tries=$((tries + 1))
    [ $tries -gt 100 ] && { rf_log "slapd did not answer on port $port"; return 1; }
    sleep 0.1
  done
  RF_LDAP_DIR="$dir"
  RF_LDAP_PORT="$port"
  export RINGFENCE_TEST_LDAP_URL="ldap://127.0.0.1:$port/"
  export RINGFENCE_TEST_LDAPS_URL="ldaps://127.0.0.1:$tls_port/"
  export RINGFENCE_TEST_LDAP_CA="$dir/tls/ca.pem"
  export RINGFENCE_TEST_LDAP_BASE="$RF_LDAP_BASE"
  export RINGFENCE_TEST_LDAP_BIND_DN="$RF_LDAP_BIND_DN"
  export RINGFENCE_TEST_LDAP_PASSWORD="$RF_LDAP_BIND_PASSWORD"
  export RINGFENCE_TEST_LDAP_ADMIN_DN="$RF_LDAP_ADMIN_DN"
  export RINGFENCE_TEST_LDAP_ADMIN_PASSWORD="$RF_LDAP_ADMIN_PASSWORD"
  rf_log "OpenLDAP slapd listening on 127.0.0.1:$port (base $RF_LDAP_BASE, size limit $sizelimit)"
}

# Loads an LDIF file through the running slapd as the rootdn.
rf_ldap_load() {
  ldapadd -x -H "ldap://127.0.0.1:$RF_LDAP_PORT/" -D "$RF_LDAP_ADMIN_DN" -w "$RF_LDAP_ADMIN_PASSWORD" -f "$1" >/dev/null
}

rf_stop_slapd() {
  [ -n "${RF_LDAP_DIR:-}" ] || return 0
  if [ -f "$RF_LDAP_DIR/slapd.pid" ]; then
    local pid
    pid=$(cat "$RF_LDAP_DIR/slapd.pid")
    kill "$pid" 2>/dev/null || true
    # Wait for the process to exit (bounded), so a second run can reuse nothing stale.
    local tries=0
    while kill -0 "$pid" 2>/dev/null && [ $tries -lt 100 ]; do sleep 0.05; tries=$((tries + 1)); done
  fi
  RF_LDAP_DIR=""
}

# Starts a local SMTP server (Python aiosmtpd from PyPI, via scripts/lib/python.sh) that
# stores every mail it receives in a maildir. Exports RINGFENCE_TEST_SMTP (host:port) and
# RINGFENCE_TEST_MAILDIR.
rf_start_smtp() {
  rf_init_servers_dir
  # shellcheck source=python.sh
  source "$RF_ROOT/scripts/lib/python.sh"
  rf_python_env
  local port dir=$RF_SERVERS_DIR/maildir
  port=${RF_SMTP_PORT:-$(rf_free_port)}
  mkdir -p "$dir/tmp" "$dir/new" "$dir/cur"
  "$RF_PYTHON" -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$dir" \
    >"$RF_SERVERS_DIR/smtp.log" 2>&1 &
  RF_SMTP_PID=$!
  # Ready when it accepts a connection and greets.
  local tries=0
  until python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1',$port),1); sys.exit(0 if s.recv(3)==b'220' else 1)" 2>/dev/null; do
    tries=$((tries + 1))
    if [ $tries -gt 100 ] || ! kill -0 "$RF_SMTP_PID" 2>/dev/null; then
      cat "$RF_SERVERS_DIR/smtp.log" >&2
      rf_log "aiosmtpd did not start"
      return 1
    fi
    sleep 0.1
  done
  export RINGFENCE_TEST_SMTP="127.0.0.1:$port" RINGFENCE_TEST_MAILDIR="$dir"
  # The export tests start scripts/interop/siem_receiver.py with this interpreter.
  export RINGFENCE_TEST_PYTHON="$RF_PYTHON"
  rf_log "SMTP (aiosmtpd) listening on 127.0.0.1:$port (mail stored in $dir)"
}

rf_stop_smtp() {
  [ -n "${RF_SMTP_PID:-}" ] || return 0
  kill "$RF_SMTP_PID" 2>/dev/null || true
  wait "$RF_SMTP_PID" 2>/dev/null || true
  RF_SMTP_PID=""
}

# rf_start_samba_ad [users]: a real Active Directory domain controller (Samba 4 AD DC)
# provisioned into $RF_SERVERS_DIR/samba, listening on port 389 of the first free loopback
# address from 127.0.0.2 (Samba's LDAP port is fixed; RF_AD_ADDRESS chooses one). Seeded offline with
# OU=Ringfence: `users` people user0001… (default 1600) in the group `big` (more than
# AD's 1,500-value range), alice in `platform` ⊃ big, `all` ⊃ platform (three levels),
# and dora, disabled. Exports RINGFENCE_TEST_AD_URL, _BASE, _BIND_DN and _PASSWORD.
rf_start_samba_ad() {
  local count=${1:-1600} dir address=${RF_AD_ADDRESS:-} password='Ringfence-AD-1' base='DC=rf,DC=test'
  rf_init_servers_dir
  # Port 389 is fixed: take the first loopback address where it is free (127.0.0.2, .3…),
  # so two test runs on one machine do not collide. A lock held until this DC answers keeps
  # two runs from choosing the same address.
  exec {RF_SAMBA_LOCK}>"${TMPDIR:-/tmp}/ringfence-samba-address.lock"
  flock "$RF_SAMBA_LOCK"
  if [ -z "$address" ]; then
    address=$(python3 -c '
import socket
for n in range(2, 250):
    s = socket.socket()
    try:
        s.bind((f"127.0.0.{n}", 389)); print(f"127.0.0.{n}"); break
    except OSError:
        pass
    finally:
        s.close()')
  fi
  dir="$RF_SERVERS_DIR/samba"
  rm -rf "$dir" && mkdir -p "$dir"
  samba-tool domain provision --targetdir="$dir" --realm=RF.TEST --domain=RF --server-role=dc \
    --dns-backend=NONE --adminpass="$password" --use-rfc2307 --host-name=dc1 \
    --option="interfaces=$address/8" --option="bind interfaces only=yes" --option="ldb:nosync=true" \
    >"$dir/provision.log" 2>&1 || { tail -20 "$dir/provision.log" >&2; return 1; }
  # A self-contained smb.conf: only the LDAP server, plain simple binds on loopback, every
  # folder under $dir.
  cat >"$dir/etc/smb.conf" <<CONF
[global]
  netbios name = DC1
  realm = RF.TEST
  workgroup = RF
  server role = active directory domain controller
  server services = ldap
  interfaces = $address/8
  bind interfaces only = yes
  ldap server require strong auth = no
  ldb:nosync = true
  private dir = $dir/private
  lock directory = $dir/lock
  state directory = $dir/state
  cache directory = $dir/cache
  pid directory = $dir/run
  ncalrpc dir = $dir/run/ncalrpc
  binddns dir = $dir/bind-dns
  log file = $dir/log.%m
  idmap_ldb:use rfc2307 = yes
CONF
  mkdir -p "$dir/run" "$dir/lock" "$dir/state" "$dir/cache"
  python3 - "$count" "$base" >"$dir/seed.ldif" <<'PY'
import sys
count, base = int(sys.argv[1]), sys.argv[2]
ou = f"OU=Ringfence,{base}"
print(f"dn: {ou}\nobjectClass: organizationalUnit\n")
print(f"dn: OU=People,{ou}\nobjectClass: organizationalUnit\n")
print(f"dn: OU=Groups,{ou}\nobjectClass: organizationalUnit\n")
def user(name, control):  # 544 = normal account, no password required; 546 = and disabled
    print(f"dn: CN={name},OU=People,{ou}\nobjectClass: user\nsAMAccountName: {name}\n"
          f"displayName: {name.title()}\nmail: {name}@rf.test\nuserAccountControl: {control}\n")
for n in range(1, count + 1):
    user(f"user{n:04d}", 544)
user("alice", 544)
user("dora", 546)
def group(name, members):
    print(f"dn: CN={name},OU=Groups,{ou}\nobjectClass: group\nsAMAccountName: {name}")
    for member in members:
        print(f"member: {member}")
    print()
group("big", [f"CN=user{n:04d},OU=People,{ou}" for n in range(1, count + 1)])
group("platform", [f"CN=big,OU=Groups,{ou}", f"CN=alice,OU=People,{ou}"])
group("all", [f"CN=platform,OU=Groups,{ou}", f"CN=dora,OU=People,{ou}"])
PY
  ldbadd -H "$dir/private/sam.ldb" "$dir/seed.ldif" >"$dir/seed.log" 2>&1 || { tail -20 "$dir/seed.log" >&2; return 1; }
  # Samba stops when its standard input closes: hold it open with a FIFO.
  mkfifo "$dir/stdin"
  # (without the address lock's descriptor, or the lock would live as long as Samba)
  (samba -s "$dir/etc/smb.conf" -i -M single <"$dir/stdin" >"$dir/samba.log" 2>&1 {RF_SAMBA_LOCK}>&- &
    echo $! >"$dir/samba.pid")
  exec {RF_SAMBA_FD}>"$dir/stdin"
  local tries=0
  until ldapsearch -x -H "ldap://$address/" -D "Administrator@rf.test" -w "$password" -b "$base" -s base dn \
    >/dev/null 2>&1; do
    tries=$((tries + 1))
    [ $tries -gt 600 ] && { rf_log "Samba AD DC did not answer on $address:389"; tail -20 "$dir/samba.log" >&2; return 1; }
    sleep 0.1
  done
  # The DC that answered must be this one (its process alive), not another run's.
  kill -0 "$(cat "$dir/samba.pid")" 2>/dev/null || { rf_log "Samba AD DC exited"; tail -20 "$dir/samba.log" >&2; return 1; }
  exec {RF_SAMBA_LOCK}>&-
  RF_SAMBA_DIR="$dir"
  export RINGFENCE_TEST_AD_URL="ldap://$address/"
  export RINGFENCE_TEST_AD_BASE="OU=Ringfence,$base"
  export RINGFENCE_TEST_AD_BIND_DN="CN=Administrator,CN=Users,$base"
  export RINGFENCE_TEST_AD_PASSWORD="$password"
  rf_log "Samba AD DC (realm RF.TEST) listening on $address:389 with $count users in OU=Ringfence"
}

rf_stop_samba_ad() {
  [ -n "${RF_SAMBA_DIR:-}" ] || return 0
  [ -n "${RF_SAMBA_FD:-}" ] && exec {RF_SAMBA_FD}>&-
  local pid
  pid=$(cat "$RF_SAMBA_DIR/samba.pid" 2>/dev/null || true)
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  RF_SAMBA_DIR=
}

rf_stop_servers() {
  rf_stop_samba_ad
  rf_stop_smtp
  rf_stop_slapd
  rf_stop_pgbouncer
  rf_stop_postgres
  if [ -n "${RF_SERVERS_DIR_CREATED:-}" ] && [ -z "${RF_KEEP_SERVERS_DIR:-}" ]; then
    rm -rf "$RF_SERVERS_DIR"
  fi
}
