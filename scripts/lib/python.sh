# Source this file for the Python gRPC tools the interop check and the load benchmark use.
#   rf_python_env        makes (once) a virtual environment with scripts/interop/requirements.txt
#                        from PyPI; sets RF_PYTHON to its interpreter
#   rf_python_stubs DIR  generates Python stubs for proto/ringfence/v1 into DIR
RF_ROOT=${RF_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

rf_python_env() {
  local venv=${RF_PYTHON_VENV:-$RF_ROOT/.build/interop-venv}
  if ! "$venv/bin/python" -c 'import grpc, grpc_tools, grpc_health, aiosmtpd, scim2_tester, httpx2, opentelemetry.proto' 2>/dev/null; then
    echo "== preparing $venv (grpcio, grpcio-tools, grpcio-health-checking, aiosmtpd, scim2-tester, opentelemetry-proto from PyPI)" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$RF_ROOT/scripts/interop/requirements.txt"
  fi
  RF_PYTHON="$venv/bin/python"
}

rf_python_stubs() {
  "$RF_PYTHON" -m grpc_tools.protoc -I "$RF_ROOT/proto" --python_out="$1" --grpc_python_out="$1" \
    "$RF_ROOT"/proto/ringfence/v1/*.proto
}
