#!/usr/bin/env bash
# Runs every test. Installs what the tests need first (the SARIF multitool from npm), then runs the xunit suite
# and prints one closing line: "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

tools="$root/tests/tools"
multitool="$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -x "$multitool" ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "test.sh: installing test tools (npm)..." >&2
    (cd "$tools" && npm install --no-audit --no-fund --loglevel=error >&2) || echo "test.sh: npm install failed; SARIF validation tests will fail" >&2
    # npm 11 does not run the package's postinstall, which would make the binary executable.
    [ -f "$multitool" ] && chmod u+x "$multitool"
  else
    echo "test.sh: npm not found; SARIF validation tests will fail" >&2
  fi
fi

log="$(mktemp)"
dotnet test "$root/tests/Bulwark.Tests/Bulwark.Tests.csproj" -c Release --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the VSTest summary lines ("Passed!  - Failed:     0, Passed:    12, Skipped: ...").
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}')
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the build or the runner failed before any test could report
fi
echo "$passed passed, $failed failed"
exit "$status"
