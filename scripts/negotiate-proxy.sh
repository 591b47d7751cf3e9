#!/usr/bin/env bash
# Throwaway Windows-auth front end for integration tests (Kerberos + NTLM, like IIS).
#
#   scripts/negotiate-proxy.sh start DIR BACKEND_PORT
#   scripts/negotiate-proxy.sh stop DIR
#
# `start` builds everything under DIR (an empty directory made by the caller) and
# starts, on loopback only:
#   * an MIT Kerberos KDC (krb5kdc) for the realm PATUI.TEST with the user
#     alice@PATUI.TEST and the service principal HTTP/localhost@PATUI.TEST;
#   * Apache httpd with mod_auth_gssapi as a reverse proxy to
#     http://127.0.0.1:BACKEND_PORT/. Requests without credentials get
#     401 + "WWW-Authenticate: Negotiate" + "WWW-Authenticate: NTLM" (two header lines).
#     "Authorization: Negotiate" (Kerberos/SPNEGO) and "Authorization: NTLM"
#     (gss-ntlmssp, connection bound, users from DIR/httpd-run/ntlm-users) are
#     authenticated by Apache; the backend then gets the user in X-Patui-Windows-User
#     (alice@PATUI.TEST or PATUI\alice) and the mechanism in X-Patui-Auth-Mech.
#     "Authorization: Basic" (personal access tokens) is passed to the backend
#     untouched without Apache authentication. Client-sent X-Patui-* headers are dropped.
# Nothing global is touched (/etc/krb5.conf, /etc/apache2, /etc/gss are not used): all
# configuration is passed through KRB5_CONFIG, KRB5_KDC_PROFILE, KRB5_KTNAME,
# KRB5RCACHEDIR, GSS_MECH_CONFIG and NTLM_USER_FILE, and `apache2 -f DIR/httpd.conf`.
# Ports for the KDC and the proxy are picked at random among free loopback ports.
# DIR/env (KEY=value lines, no quoting; values contain no spaces, quotes or backslashes)
# tells the client what it needs: PROXY_URL, KRB5_CONFIG, KRB5CCNAME, KERBEROS_USER,
# KERBEROS_PASSWORD, NTLM_DOMAIN, NTLM_USER, NTLM_PASSWORD, ... The backend sees
# X-Patui-Windows-User: $KERBEROS_USER (Kerberos) or $NTLM_DOMAIN\$NTLM_USER (NTLM).
# Usage from a test:  set -a; . "$DIR/env"; set +a
#                     echo "$KERBEROS_PASSWORD" | kinit "$KERBEROS_USER"
#                     curl --negotiate -u : "$PROXY_URL"x
# PATUI_PROXY_DEBUG=1 at start: verbose mod_auth_gssapi log and DIR/httpd-run/gssntlmssp-debug.log.
# When run as root, Apache's children run as www-data (override: PATUI_PROXY_USER);
# DIR then gets mode o+x so that user can reach its files in DIR/httpd-run.
# `stop` kills the processes recorded in DIR/kdc.pid and DIR/httpd.pid; it is idempotent.
set -euo pipefail

REALM=PATUI.TEST
NTLM_DOMAIN=PATUI
USER_NAME=alice
USER_PASSWORD=Patui-Passw0rd
START_TIMEOUT=${PATUI_PROXY_TIMEOUT:-20}

die() { printf 'negotiate-proxy: error: %s\n' "$*" >&2; exit 1; }
note() { printf 'negotiate-proxy: %s\n' "$*" >&2; }

usage() {
  cat >&2 <<EOF
usage: $0 start DIR BACKEND_PORT
       $0 stop DIR
EOF
  exit 2
}

need() { # need PROGRAM DEBIAN_PACKAGE
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found; install the Debian package $2"
}

find_prog() { # find_prog NAME... : first one found in PATH or /usr/sbin
  local n
  for n in "$@"; do
    if command -v "$n" >/dev/null 2>&1; then command -v "$n"; return 0; fi
    if [ -x "/usr/sbin/$n" ]; then echo "/usr/sbin/$n"; return 0; fi
  done
  return 1
}

# Port is "in use" if anything on the host has it as a TCP or UDP port (local or remote).
port_in_use() {
  local hex
  hex=$(printf ':%04X ' "$1")
  grep -qs -- "$hex" /proc/net/tcp /proc/net/tcp6 /proc/net/udp /proc/net/udp6
}

pick_port() { # below the Linux ephemeral range, avoiding ports in use and $EXCLUDE
  local p
  for _ in $(seq 1 500); do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
    case " ${EXCLUDE:-} " in *" $p "*) continue ;; esac
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  die "no free loopback port found"
}

now_ms() { date +%s%3N; }

# True if the pid in PIDFILE runs and its command line mentions NEEDLE (a path inside
# DIR), so a recycled pid or another instance's process is never taken for ours.
pid_alive() { # pid_alive PIDFILE NEEDLE
  local pid
  [ -s "$1" ] || return 1
  pid=$(tr -dc 0-9 <"$1")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$2"
}

show_logs() {
  local f
  for f in "$DIR/kdc.log" "$DIR/krb5kdc.out" "$DIR/httpd-error.log" "$DIR/httpd.out"; do
    [ -s "$f" ] || continue
    printf -- '----- tail of %s -----\n' "$f" >&2
    tail -n 25 "$f" >&2
  done
}

# HTTP probe without curl: an unauthenticated GET must get 401 from mod_auth_gssapi.
probe_proxy() {
  local line
  exec 3<>"/dev/tcp/127.0.0.1/$PROXY_PORT" || return 1
  printf 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
  IFS= read -r -t 3 line <&3 || line=
  exec 3<&- 3>&-
  case "$line" in "HTTP/1."?" 401"*) return 0 ;; *) return 1 ;; esac
}

# KDC probe: a real AS exchange with the HTTP keytab into a throwaway ccache.
probe_kdc() {
  KRB5_CONFIG="$DIR/krb5.conf" KRB5_TRACE=/dev/null kinit -k -t "$KEYTAB" \
    -c "FILE:$DIR/kdc/probe.ccache" "HTTP/localhost@$REALM" >/dev/null 2>&1
}

write_krb5_conf() {
  cat >"$DIR/krb5.conf" <<EOF
# Client/acceptor profile for the throwaway realm (KRB5_CONFIG).
[libdefaults]
    default_realm = $REALM
    dns_lookup_kdc = false
    dns_lookup_realm = false
    dns_canonicalize_hostname = false
    rdns = false
    udp_preference_limit = 1
    ignore_acceptor_hostname = false
    forwardable = true
    default_ccache_name = FILE:$DIR/ccache
[realms]
    $REALM = {
        kdc = 127.0.0.1:$KDC_PORT
    }
[domain_realm]
    localhost = $REALM
    .localhost = $REALM
EOF
  chmod 0644 "$DIR/krb5.conf"
}

write_kdc_conf() {
  cat >"$DIR/kdc.conf" <<EOF
# KDC profile for the throwaway realm (KRB5_KDC_PROFILE).
[kdcdefaults]
    kdc_ports = $KDC_PORT
    kdc_tcp_ports = $KDC_PORT
[realms]
    $REALM = {
        database_name = $DIR/kdc/principal
        key_stash_file = $DIR/kdc/stash
        acl_file = $DIR/kdc/kadm5.acl
        kdc_listen = 127.0.0.1:$KDC_PORT
        kdc_tcp_listen = 127.0.0.1:$KDC_PORT
        max_life = 10h
        max_renewable_life = 1d
        supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
    }
[logging]
    kdc = FILE:$DIR/kdc.log
    default = FILE:$DIR/kdc.log
EOF
}

write_httpd_conf() {
  local user_lines="" LOG_LEVEL=warn
  [ -z "${PATUI_PROXY_DEBUG:-}" ] || LOG_LEVEL="info auth_gssapi:debug"
  if [ -n "$RUN_USER" ]; then
    user_lines="User $RUN_USER
Group $RUN_GROUP"
  fi
  cat >"$DIR/httpd.conf" <<EOF
# Apache reverse proxy with Kerberos (Negotiate) and NTLM via mod_auth_gssapi.
ServerRoot "$DIR"
ServerName localhost
Listen 127.0.0.1:$PROXY_PORT
PidFile "$DIR/httpd.pid"
DefaultRuntimeDir "$RUNDIR"
ErrorLog "$DIR/httpd-error.log"
LogLevel $LOG_LEVEL
$user_lines

LoadModule mpm_event_module $MODDIR/mod_mpm_event.so
# Debian compiles mod_unixd and mod_log_config into the binary.
<IfModule !unixd_module>
    LoadModule unixd_module $MODDIR/mod_unixd.so
</IfModule>
<IfModule !log_config_module>
    LoadModule log_config_module $MODDIR/mod_log_config.so
</IfModule>
LoadModule authn_core_module $MODDIR/mod_authn_core.so
LoadModule authz_core_module $MODDIR/mod_authz_core.so
LoadModule authz_user_module $MODDIR/mod_authz_user.so
LoadModule auth_gssapi_module $MODDIR/mod_auth_gssapi.so
LoadModule headers_module $MODDIR/mod_headers.so
LoadModule proxy_module $MODDIR/mod_proxy.so
LoadModule proxy_http_module $MODDIR/mod_proxy_http.so

StartServers 1
ServerLimit 2
ThreadsPerChild 16
MinSpareThreads 4
MaxSpareThreads 32
MaxRequestWorkers 32
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 30
Timeout 120

# %u = authenticated user, %k = number of the request on its keep-alive connection.
LogFormat "%h %{remote}p %u %t \"%r\" %>s %b mech=%{GSS_MECH}e keepalive=%k" patui
CustomLog "$DIR/httpd-access.log" patui

<Location />
    AuthType GSSAPI
    AuthName "$REALM"
    # No GssapiCredStore: gss-ntlmssp 1.2 turns any cred store into a (broken)
    # user credential, so the acceptor keytab comes from KRB5_KTNAME and the NTLM
    # users from NTLM_USER_FILE (both set in Apache's environment by this script).
    GssapiAllowedMech krb5
    GssapiAllowedMech ntlmssp
    # NTLM needs several legs on one connection; this also makes Apache emit
    # "WWW-Authenticate: NTLM" next to "WWW-Authenticate: Negotiate" and accept
    # "Authorization: NTLM <raw NTLMSSP>".
    GssapiConnectionBound On
    GssapiBasicAuth Off
    GssapiPublishMech On
    GssapiPublishErrors On
    # Basic (PAT) requests are not authenticated here: authz grants them before
    # authentication runs, so mod_auth_gssapi never sees them; the backend decides.
    <If "%{HTTP:Authorization} =~ /^\\s*Basic\\s/i">
        Require all granted
    </If>
    <Else>
        Require valid-user
    </Else>
</Location>

# Work around two strict parsers in gss-ntlmssp (1.2.0, unchanged in 1.3.1) for clients
# that omit the optional 8-byte Version field, as curl does (MS-NLMP allows it):
#  a) a NEGOTIATE (type 1) message shorter than 40 bytes is refused ("Failed to decode
#     data"): append 8 zero bytes (an absent Version) to 32-byte type 1 tokens; in base64
#     44 chars ending in "=" become 56 chars ending in "==";
#  b) if the client asks for ALWAYS_SIGN the server forces NEGOTIATE_VERSION into its
#     CHALLENGE; curl echoes that flag in its AUTHENTICATE message without the Version
#     field, which gss-ntlmssp then cannot decode. For curl's exact type 1 flags
#     (0x00088206, base64 "BoII") drop ALWAYS_SIGN (0x00080206, "BgII"); HTTP needs no
#     signing. Clients that send the 40-byte form (SSPI, ntlmclient, pyspnego) are not
#     touched. Runs "early", i.e. before mod_auth_gssapi reads the header.
RequestHeader edit Authorization "^(NTLM|Negotiate) +TlRMTVNTUAABAAAABoII([A-Za-z0-9+/]{23})=\s*$" "\$1 TlRMTVNTUAABAAAABgII\$2AAAAAAAAAAA==" early
RequestHeader edit Authorization "^(NTLM|Negotiate) +(TlRMTVNTUAABAAAA[A-Za-z0-9+/]{27})=\s*$" "\$1 \$2AAAAAAAAAAA==" early

# Never trust identity headers from the client; set them from Apache's own result.
RequestHeader unset X-Patui-Windows-User
RequestHeader unset X-Patui-Auth-Mech
RequestHeader set X-Patui-Windows-User "expr=%{REMOTE_USER}" "expr=-n %{REMOTE_USER}"
RequestHeader set X-Patui-Auth-Mech "expr=%{reqenv:GSS_MECH}" "expr=-n %{REMOTE_USER}"
# GSSAPI tokens are consumed here; only Basic credentials reach the backend.
RequestHeader unset Authorization "expr=!(%{HTTP:Authorization} =~ /^\\s*Basic\\s/i)"

ProxyRequests Off
AllowEncodedSlashes NoDecode
ProxyPreserveHost On
ProxyPass / http://127.0.0.1:$BACKEND_PORT/ nocanon
ProxyPassReverse / http://127.0.0.1:$BACKEND_PORT/
EOF
}

start_kdc() {
  KRB5_CONFIG="$DIR/krb5.conf" KRB5_KDC_PROFILE="$DIR/kdc.conf" \
    "$KRB5KDC" -r "$REALM" -P "$DIR/kdc.pid" >"$DIR/krb5kdc.out" 2>&1 </dev/null
}

start_httpd() {
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C \
    KRB5_CONFIG="$DIR/krb5.conf" \
    KRB5_KTNAME="FILE:$KEYTAB" \
    KRB5CCNAME="FILE:$RUNDIR/acceptor.ccache" \
    KRB5RCACHEDIR="$RUNDIR/rcache" \
    GSS_MECH_CONFIG="$DIR/gss-mech.conf" \
    NTLM_USER_FILE="$RUNDIR/ntlm-users" \
    NETBIOS_DOMAIN_NAME="$NTLM_DOMAIN" \
    NETBIOS_COMPUTER_NAME=PATUIPROXY \
    ${PATUI_PROXY_DEBUG:+GSSNTLMSSP_DEBUG="$RUNDIR/gssntlmssp-debug.log"} \
    "$APACHE" -f "$DIR/httpd.conf" -k start >"$DIR/httpd.out" 2>&1 </dev/null
}

bind_failed() { grep -qsiE 'could not bind|address already in use|cannot bind' "$@"; }

# Starts a service; if it failed because its port was taken meanwhile (a parallel
# instance, say), picks another port, rewrites the configs and tries again.
start_with_retry() { # start_with_retry kdc|httpd
  for _ in 1 2 3 4; do
    if [ "$1" = kdc ]; then
      start_kdc && return 0
      bind_failed "$DIR/kdc.log" "$DIR/krb5kdc.out" || return 1
      note "KDC port $KDC_PORT was taken, trying another one"
      EXCLUDE="$EXCLUDE $KDC_PORT"; KDC_PORT=$(pick_port)
      : >"$DIR/kdc.log"; write_kdc_conf; write_krb5_conf
    else
      start_httpd && return 0
      bind_failed "$DIR/httpd-error.log" "$DIR/httpd.out" || return 1
      note "proxy port $PROXY_PORT was taken, trying another one"
      EXCLUDE="$EXCLUDE $PROXY_PORT"; PROXY_PORT=$(pick_port)
      : >"$DIR/httpd-error.log"; write_httpd_conf
    fi
  done
  return 1
}

# Polls (every 50 ms) until the KDC answers an AS request and the proxy answers 401.
wait_ready() {
  local deadline kdc_ok=0 http_ok=0
  deadline=$(($(now_ms) + START_TIMEOUT * 1000))
  while :; do
    [ "$kdc_ok" = 1 ] || { probe_kdc && kdc_ok=1; } || true
    [ "$http_ok" = 1 ] || { probe_proxy 2>/dev/null && http_ok=1; } || true
    [ "$kdc_ok" = 1 ] && [ "$http_ok" = 1 ] && return 0
    if [ "$(now_ms)" -ge "$deadline" ]; then
      [ "$kdc_ok" = 1 ] || note "KDC on 127.0.0.1:$KDC_PORT did not answer within ${START_TIMEOUT}s"
      [ "$http_ok" = 1 ] || note "proxy on 127.0.0.1:$PROXY_PORT did not answer 401 within ${START_TIMEOUT}s"
      show_logs
      return 1
    fi
    sleep 0.05
  done
}

cmd_start() {
  [ "$#" -eq 2 ] || usage
  DIR=$1 BACKEND_PORT=$2
  [ -d "$DIR" ] || die "DIR '$DIR' is not a directory (create it first, e.g. mktemp -d)"
  DIR=$(cd "$DIR" && pwd -P)
  case "$DIR" in *[!A-Za-z0-9._/+-]*) die "DIR path '$DIR' must only contain [A-Za-z0-9._/+-]" ;; esac
  case "$BACKEND_PORT" in '' | *[!0-9]*) die "BACKEND_PORT '$BACKEND_PORT' is not a port number" ;; esac
  if [ "$BACKEND_PORT" -lt 1 ] || [ "$BACKEND_PORT" -gt 65535 ]; then die "BACKEND_PORT out of range"; fi
  if pid_alive "$DIR/kdc.pid" "$DIR/kdc.pid" || pid_alive "$DIR/httpd.pid" "$DIR/httpd.conf"; then
    die "an instance is already running in $DIR (run: $0 stop $DIR)"
  fi
  if [ -e "$DIR/kdc" ] || [ -e "$DIR/env" ]; then
    die "$DIR was already used by a previous start; give an empty directory"
  fi

  need kinit krb5-user
  need kadmin.local krb5-kdc
  need kdb5_util krb5-kdc
  KRB5KDC=$(find_prog krb5kdc) || die "'krb5kdc' not found; install the Debian package krb5-kdc"
  APACHE=$(find_prog apache2 httpd) || die "'apache2' not found; install the Debian package apache2"
  MODDIR=${PATUI_APACHE_MODULES:-/usr/lib/apache2/modules}
  for m in mpm_event authn_core authz_core authz_user headers proxy proxy_http; do
    [ -f "$MODDIR/mod_$m.so" ] || die "$MODDIR/mod_$m.so missing; install the Debian package apache2"
  done
  [ -f "$MODDIR/mod_auth_gssapi.so" ] ||
    die "$MODDIR/mod_auth_gssapi.so missing; install the Debian package libapache2-mod-auth-gssapi"
  NTLMSSP_SO=""
  for f in /usr/lib/*-linux-gnu/gssntlmssp/gssntlmssp.so /usr/lib64/gssntlmssp/gssntlmssp.so \
           /usr/lib/gssntlmssp/gssntlmssp.so; do
    [ -f "$f" ] && { NTLMSSP_SO=$f; break; }
  done
  [ -n "$NTLMSSP_SO" ] || die "gssntlmssp.so not found; install the Debian package gss-ntlmssp"

  local t0; t0=$(now_ms)
  RUNDIR="$DIR/httpd-run"
  KEYTAB="$RUNDIR/http.keytab"
  RUN_USER="" RUN_GROUP=""
  if [ "$(id -u)" = 0 ]; then
    RUN_USER=${PATUI_PROXY_USER:-www-data}
    id "$RUN_USER" >/dev/null 2>&1 || die "user '$RUN_USER' for Apache children does not exist (set PATUI_PROXY_USER)"
    RUN_GROUP=$(id -gn "$RUN_USER")
  fi
  mkdir -p "$DIR/kdc" "$RUNDIR/rcache"
  chmod 0700 "$DIR/kdc" "$RUNDIR" "$RUNDIR/rcache"

  EXCLUDE="$BACKEND_PORT"
  KDC_PORT=$(pick_port); EXCLUDE="$EXCLUDE $KDC_PORT"
  PROXY_PORT=$(pick_port); EXCLUDE="$EXCLUDE $PROXY_PORT"
  write_kdc_conf
  write_krb5_conf
  printf '* *\n' >"$DIR/kdc/kadm5.acl"
  # GSS_MECH_CONFIG replaces /etc/gss/mech + /etc/gss/mech.d/*.conf for this process tree.
  printf 'gssntlmssp_v1\t1.3.6.1.4.1.311.2.2.10\t%s\n' "$NTLMSSP_SO" >"$DIR/gss-mech.conf"
  chmod 0644 "$DIR/gss-mech.conf"
  # gss-ntlmssp user file (Heimdal format DOMAIN:USER:PASSWORD), read by the acceptor.
  printf '%s:%s:%s\n' "$NTLM_DOMAIN" "$USER_NAME" "$USER_PASSWORD" >"$RUNDIR/ntlm-users"
  chmod 0600 "$RUNDIR/ntlm-users"

  export KRB5_CONFIG="$DIR/krb5.conf" KRB5_KDC_PROFILE="$DIR/kdc.conf"
  local master; master=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  kdb5_util -r "$REALM" create -s -W -P "$master" >"$DIR/kdb5_util.out" 2>&1 ||
    { cat "$DIR/kdb5_util.out" >&2; die "kdb5_util create failed"; }
  printf '%s\n' "addprinc -pw $USER_PASSWORD $USER_NAME@$REALM" \
    "addprinc -randkey HTTP/localhost@$REALM" "ktadd -k $KEYTAB HTTP/localhost@$REALM" |
    kadmin.local -r "$REALM" >"$DIR/kadmin.out" 2>&1 ||
    { cat "$DIR/kadmin.out" >&2; die "kadmin.local failed"; }
  [ -s "$KEYTAB" ] || { cat "$DIR/kadmin.out" >&2; die "keytab $KEYTAB was not written"; }
  chmod 0600 "$KEYTAB"
  if [ -n "$RUN_USER" ]; then
    chown -R "$RUN_USER:$RUN_GROUP" "$RUNDIR"
    chmod o+x "$DIR" # traverse only, so the Apache user reaches $RUNDIR and krb5.conf
  fi

  write_httpd_conf
  if ! start_with_retry kdc; then show_logs; die "krb5kdc failed to start"; fi
  if ! start_with_retry httpd; then
    show_logs; cmd_stop "$DIR" >/dev/null 2>&1 || true; die "apache failed to start"
  fi
  if ! wait_ready; then
    cmd_stop "$DIR" >/dev/null 2>&1 || true
    die "services did not come up; stopped what was started"
  fi
  rm -f "$DIR/kdc/probe.ccache"

  cat >"$DIR/env.tmp" <<EOF
PROXY_URL=http://localhost:$PROXY_PORT/
PROXY_PORT=$PROXY_PORT
BACKEND_URL=http://127.0.0.1:$BACKEND_PORT/
KDC_PORT=$KDC_PORT
KRB5_CONFIG=$DIR/krb5.conf
KRB5CCNAME=FILE:$DIR/ccache
KRB5_KDC_PROFILE=$DIR/kdc.conf
GSS_MECH_CONFIG=$DIR/gss-mech.conf
KERBEROS_REALM=$REALM
KERBEROS_USER=$USER_NAME@$REALM
KERBEROS_PASSWORD=$USER_PASSWORD
KERBEROS_SPN=HTTP/localhost@$REALM
NTLM_DOMAIN=$NTLM_DOMAIN
NTLM_USER=$USER_NAME
NTLM_PASSWORD=$USER_PASSWORD
SERVER_NTLM_USER_FILE=$RUNDIR/ntlm-users
EOF
  mv "$DIR/env.tmp" "$DIR/env"
  note "ready in $(($(now_ms) - t0)) ms: proxy http://localhost:$PROXY_PORT/ -> 127.0.0.1:$BACKEND_PORT, KDC 127.0.0.1:$KDC_PORT, env in $DIR/env"
}

# Sends SIGTERM to the process in PIDFILE if it still is what we started, prints its pid.
signal_pidfile() { # signal_pidfile PIDFILE NEEDLE
  local pid
  [ -s "$1" ] || return 0
  pid=$(tr -dc 0-9 <"$1")
  if pid_alive "$1" "$2"; then
    kill -TERM "$pid" 2>/dev/null && echo "$pid"
  fi
  return 0
}

cmd_stop() {
  [ "$#" -eq 1 ] || usage
  local dir=$1 pids pid
  [ -d "$dir" ] || return 0
  dir=$(cd "$dir" && pwd -P)
  # Both get SIGTERM at once; each takes up to ~2 s to exit (Apache reclaims its children).
  pids="$(signal_pidfile "$dir/httpd.pid" "$dir/httpd.conf") $(signal_pidfile "$dir/kdc.pid" "$dir/kdc.pid")"
  for pid in $pids; do
    for _ in $(seq 1 200); do # up to 10 s
      [ -d "/proc/$pid" ] || break
      sleep 0.05
    done
    if [ -d "/proc/$pid" ]; then
      note "pid $pid ignored SIGTERM for 10 s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -f "$dir/httpd.pid" "$dir/kdc.pid"
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  *) usage ;;
esac
