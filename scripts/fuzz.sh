#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a bounded time (audit item 24), when a nightly
# toolchain and cargo-fuzz are available; otherwise says so and succeeds (the property tests in
# tests/proptest_parsers.rs cover the same parsers on stable, in every `cargo test`).
#
#   scripts/fuzz.sh [--install] [TARGET...]
#     PATUI_FUZZ_SECONDS  seconds per target (default 20)
#     PATUI_FUZZ_INSTALL=1 or --install: install cargo-fuzz (cargo install cargo-fuzz --locked)
#                         when it is missing; without it a missing cargo-fuzz is a skip.
#
# Prints one line per target: target, seconds, runs executed (libFuzzer's "#N DONE"), and
# "no crash" or the crash artifact. Exits non-zero when a target crashes or fails to build.
# Crashes are kept in fuzz/artifacts/TARGET/; reproduce one with
#   cargo +nightly fuzz run TARGET fuzz/artifacts/TARGET/crash-…
set -euo pipefail
cd "$(dirname "$0")/.."

ALL_TARGETS=(pat_answers entra_answers git_credential config_file dates_and_lifespans keyring_index text_sanitize)
SECONDS_PER_TARGET=${PATUI_FUZZ_SECONDS:-20}
INSTALL=${PATUI_FUZZ_INSTALL:-0}

targets=()
for arg in "$@"; do
  case "$arg" in
    --install) INSTALL=1 ;;
    -h | --help)
      sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) targets+=("$arg") ;;
  esac
done
((${#targets[@]})) || targets=("${ALL_TARGETS[@]}")
for t in "${targets[@]}"; do
  if [[ " ${ALL_TARGETS[*]} " != *" $t "* ]]; then
    echo "unknown fuzz target '$t' (targets: ${ALL_TARGETS[*]})" >&2
    exit 2
  fi
done

if ! [[ "$SECONDS_PER_TARGET" =~ ^[1-9][0-9]*$ ]]; then
  echo "PATUI_FUZZ_SECONDS must be a positive number of seconds, not '$SECONDS_PER_TARGET'" >&2
  exit 2
fi

skip() {
  echo "skipped: no nightly toolchain / cargo-fuzz (fuzz targets not run)"
  [ -n "${1:-}" ] && echo "  ($1)" >&2
  exit 0
}

command -v rustup >/dev/null 2>&1 || skip "rustup is not installed"
toolchains=$(rustup toolchain list 2>/dev/null || true)
grep -q '^nightly' <<<"$toolchains" || skip "no nightly toolchain: rustup toolchain install nightly"
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  if [ "$INSTALL" = 1 ]; then
    echo "installing cargo-fuzz (cargo install cargo-fuzz --locked)"
    cargo install cargo-fuzz --locked
  else
    skip "cargo-fuzz is not installed: PATUI_FUZZ_INSTALL=1 scripts/fuzz.sh installs it"
  fi
fi

# A few valid inputs per target so that the fuzzer starts from answers the parsers accept.
# The corpus directory is not committed (fuzz/.gitignore); seeds are written only when a
# target's corpus is empty.
seed() {
  local target=$1 name=$2 content=$3 dir="fuzz/corpus/$1"
  mkdir -p "$dir"
  [ -e "$dir/$name" ] || printf '%s' "$content" >"$dir/$name"
}
seed_all() {
  local token='{"authorizationId":"4a7e1e36-8a55-4b3a-9f4c-3a3b0c1d2e3f","displayName":"ci","scope":"vso.code vso.packaging","targetAccounts":["0e1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"],"validFrom":"2026-01-01T00:00:00.5233333","validTo":"2026-12-31T23:59:59.000Z","token":null}'
  seed pat_answers page "{\"continuationToken\":\"abc\",\"patTokens\":[$token]}"
  seed pat_answers result "{\"patToken\":$token,\"patTokenError\":\"none\"}"
  seed pat_answers policy '{"patToken":null,"patTokenError":"fullScopePatPolicyViolation","patTokenErrorMessage":"no"}'
  seed pat_answers vss '{"$id":"1","message":"TF400813: not authorized","typeKey":"UnauthorizedRequestException"}'
  seed entra_answers device '{"device_code":"d","user_code":"ABCD-EFGH","verification_uri":"https://microsoft.com/devicelogin","expires_in":900,"interval":5,"message":"To sign in, use a web browser"}'
  seed entra_answers token '{"token_type":"Bearer","access_token":"eyJ0eXAi","refresh_token":"r","expires_in":"3599","ext_expires_in":3599}'
  seed entra_answers error '{"error":"invalid_grant","error_description":"AADSTS9002331: Microsoft Account users only\r\nTrace ID: x","error_codes":[9002331]}'
  seed entra_answers pending '{"error":"authorization_pending"}'
  seed entra_answers tenant '00000000-0000-0000-0000-000000000000, 72f988bf-86f1-41af-91ab-2d7cd011db47'
  seed git_credential get $'protocol=https\nhost=dev.azure.com\npath=fabrikam/proj/_git/repo\nusername=fabrikam\n\n'
  seed git_credential url $'url=https://contoso.visualstudio.com/p/_git/r\npassword=s3cret\n'
  seed config_file full $'organizations = ["fabrikam"]\ndefault_org = "fabrikam"\ntheme = "monochrome"\nrevoke_concurrency = 8\nkeyring = "keyutils"\nsign_in = ["env", "azure-cli"]\n\n[keymap]\nrefresh = ["ctrl-r", "f5"]\n\n[[presets]]\nname = "ci"\nscopes = ["vso.code", "vso.packaging"]\n'
  seed dates_and_lifespans date '2027-01-31'
  seed dates_and_lifespans scopes 'vso.code, vso.packaging vso.code'
  seed dates_and_lifespans wire '2030-01-01T00:00:00.123+02:00'
  seed keyring_index index '[{"org":"fabrikam","id":"4a7e1e36-8a55-4b3a-9f4c-3a3b0c1d2e3f","name":"ci","scope":"vso.code","validFrom":"2026-01-01T00:00:00Z","validTo":"2026-12-31T23:59:59.123456789Z","global":false}]'
  seed keyring_index entry '{"value":"s3cret","org":"*","id":"4a7e1e36-8a55-4b3a-9f4c-3a3b0c1d2e3f","name":"all","validFrom":"2026-01-01T00:00:00+01:00","validTo":"2026-12-31T23:59:59Z","global":true}'
  seed text_sanitize osc52 $'ci\e]52;c;ZXZpbA==\a'
  seed text_sanitize json '{"name":"x\u009b31m\u202egnp.exe\u001b","n":[1,2.5,null]}'
}
seed_all

# Logs go next to the crash artifacts (not committed).
mkdir -p fuzz/artifacts
# Fuzz the dependency versions the tests use: the fuzz workspace starts from patui's lock file
# (Cargo drops what it does not need and adds libFuzzer; fuzz/Cargo.lock is not committed).
cp Cargo.lock fuzz/Cargo.lock
echo "building the fuzz targets (cargo +nightly fuzz build)"
if ! cargo +nightly fuzz build >fuzz/artifacts/build.log 2>&1; then
  tail -n 40 fuzz/artifacts/build.log >&2
  echo "fuzz targets failed to build (full log: fuzz/artifacts/build.log)" >&2
  exit 1
fi

failed=0
for t in "${targets[@]}"; do
  log=$(mktemp)
  set +e
  cargo +nightly fuzz run "$t" -- -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 >"$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -aoE '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 | grep -oE '[0-9]+' || true)
  [ -n "$runs" ] || runs=$(grep -aoE 'Done [0-9]+ runs' "$log" | tail -n 1 | grep -oE '[0-9]+' || true)
  artifact=$(grep -aoE 'Test unit written to [^ ]+' "$log" | tail -n 1 | sed 's/^Test unit written to //' || true)
  if [ "$rc" -eq 0 ]; then
    printf '%-20s %4ss  %12s runs  no crash\n' "$t" "$SECONDS_PER_TARGET" "${runs:-?}"
  else
    failed=1
    printf '%-20s %4ss  %12s runs  CRASH: %s\n' "$t" "$SECONDS_PER_TARGET" "${runs:-?}" "${artifact:-see the log below}"
    grep -aE 'panicked at|ERROR: libFuzzer|SUMMARY' "$log" | head -n 5 >&2 || true
    cp "$log" "fuzz/artifacts/$t.log"
    echo "  full output: fuzz/artifacts/$t.log" >&2
  fi
  rm -f "$log"
done
exit "$failed"
