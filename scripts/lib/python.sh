# Source this file for the Python gRPC tools the interop check and the load benchmark use.
#   rf_python_env        makes (once) a virtual environment with scripts/interop/requirements.txt
#                        from PyPI; sets RF_PYTHON to its interpreter
#   rf_python_fuzz_env   the same for schemathesis (its own environment); sets RF_SCHEMATHESIS
#   rf_python_stubs DIR  generates Python stubs for proto/ringfence/v1 into DIR
RF_ROOT=${RF_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

# rf_venv DIR REQUIREMENTS IMPORTS WHAT: makes DIR a virtual environment with REQUIREMENTS from
# PyPI unless its Python already imports IMPORTS.
rf_venv() {
  if ! "$1/bin/python" -c "import $3" 2>/dev/null; then
    echo "== preparing $1 ($4 from PyPI)" >&2
    python3 -m venv "$1"
    "$1/bin/pip" install -q --disable-pip-version-check -r "$2"
  fi
}

rf_python_env() {
  local venv=${RF_PYTHON_VENV:-$RF_ROOT/.build/interop-venv}
  rf_venv "$venv" "$RF_ROOT/scripts/interop/requirements.txt" \
    'grpc, grpc_tools, grpc_health, aiosmtpd, scim2_tester, httpx2, opentelemetry.proto, selenium, axe_selenium_python' \
    'grpcio, grpcio-tools, grpcio-health-checking, aiosmtpd, scim2-tester, opentelemetry-proto, selenium, axe-selenium-python'
  RF_PYTHON="$venv/bin/python"
}

# A second environment with schemathesis (scripts/interop/fuzz-requirements.txt); sets
# RF_SCHEMATHESIS to its command.
rf_python_fuzz_env() {
  local venv=${RF_FUZZ_VENV:-$RF_ROOT/.build/fuzz-venv}
  rf_venv "$venv" "$RF_ROOT/scripts/interop/fuzz-requirements.txt" schemathesis schemathesis
  RF_SCHEMATHESIS="$venv/bin/schemathesis"
}

rf_python_stubs() {
  "$RF_PYTHON" -m grpc_tools.protoc -I "$RF_ROOT/proto" --python_out="$1" --grpc_python_out="$1" \
    "$RF_ROOT"/proto/ringfence/v1/*.proto
}
