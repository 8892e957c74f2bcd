#!/usr/bin/env bash
# Slurm for real: starts a one-node Slurm cluster on this machine (munged, slurmctld and slurmd
# on localhost; their key, configuration, sockets, state and logs in a temporary directory, on
# ports nothing else listens on), submits the README's Slurm example, examples/slurm/sweep.sbatch,
# as a 4-task array sweep of scenarios/campus13.yaml, runs `blackstart summarise` on it, and
# checks its tables, summary and manifest equal a one-shard local sweep's
# (.ci/crosscheck/sweeps_equal.py). Then runs examples/snakemake/Snakefile in 3 shards (locally,
# not through Slurm) and checks the same. The daemons are stopped on exit, and their logs printed
# when something failed.
# Needs root; installs Slurm and MUNGE from Debian's packages when they are missing, polars (the
# notebooks' venv) and Snakemake (pinned in examples/snakemake/requirements.txt, its own venv)
# from PyPI. Needs target/debug/blackstart (`cargo test --no-run`; BLACKSTART=PATH for another
# binary). Time-boxed: the array and the Snakemake run get TIMEOUT seconds each (default 300).
set -euo pipefail
cd "$(dirname "$0")/.."
blackstart="${BLACKSTART:-target/debug/blackstart}"
[[ -x "$blackstart" ]] || { echo "slurm-check: $blackstart is missing: run \`cargo test\` (or \`cargo test --no-run\`) first" >&2; exit 1; }
# Absolute: the jobs start in the directory sbatch was called from, Snakemake in its own.
blackstart="$(realpath "$blackstart")"
timeout_s="${TIMEOUT:-300}"
runs=42 # not a multiple of the shard counts: shards of 10 and 11 runs, and of 14
shards=4
began=$SECONDS

if ! command -v munged >/dev/null || ! command -v slurmctld >/dev/null ||
    ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null; then
    echo "== installing Slurm and MUNGE (Debian)"
    apt_began=$SECONDS
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        slurmctld slurmd slurm-client munge >/dev/null
    echo "   installed in $((SECONDS - apt_began)) s"
fi
source notebooks/venv.sh # polars, for the comparison: $venv
polars_python="$venv/bin/python"
snakemake_venv=examples/snakemake/.venv
snakemake_want="$({ python3 --version; cat examples/snakemake/requirements.txt; } | sha256sum | cut -d' ' -f1)"
if [[ ! -x "$snakemake_venv/bin/snakemake" ||
    "$(cat "$snakemake_venv/.requirements.sha256" 2>/dev/null || true)" != "$snakemake_want" ]]; then
    echo "== Snakemake venv: installing examples/snakemake/requirements.txt into $snakemake_venv"
    venv_began=$SECONDS
    rm -rf "$snakemake_venv"
    python3 -m venv "$snakemake_venv"
    "$snakemake_venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
        -r examples/snakemake/requirements.txt
    echo "$snakemake_want" >"$snakemake_venv/.requirements.sha256"
    echo "   installed in $((SECONDS - venv_began)) s"
fi

tmp="$(mktemp -d)"
# munged serves its socket only from a directory that every user can search.
chmod 755 "$tmp"
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/log"
job=""
on_exit() {
    local status=$?
    if ((status != 0)); then
        if [[ -n "$job" ]]; then
            squeue --all 2>&1 || true
            scontrol -o show job "$job" 2>&1 || true
        fi
        for log in "$tmp"/munged.log "$tmp"/log/*.log "$tmp"/job-*.out; do
            [[ -f "$log" ]] && { echo "--- $log"; tail -n 40 "$log"; }
        done
        if [[ -n "$job" ]]; then
            scancel "$job" 2>/dev/null || true
            for _ in $(seq 20); do
                [[ -z "$(squeue -h -j "$job" 2>/dev/null || true)" ]] && break
                sleep 0.5
            done
        fi
    fi
    # Each daemon by the process id it wrote, slurmd first.
    local name pid
    for name in slurmd slurmctld munged; do
        pid="$(cat "$tmp/$name.pid" 2>/dev/null || true)"
        [[ -n "$pid" ]] || continue
        kill "$pid" 2>/dev/null || continue
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    done
    rm -rf "$tmp"
}
trap on_exit EXIT

# A port nobody listens on, from $1 up: a cluster a killed run left behind keeps its own.
free_port() {
    local port=$1
    while [[ -n "$(ss -Hltn "sport = :$port")" ]]; do port=$((port + 1)); done
    echo "$port"
}
ctld_port="$(free_port 16817)"
slurmd_port="$(free_port $((ctld_port + 1)))"
host="$(hostname -s)"

echo "== a one-node Slurm cluster: $host, $(nproc) CPUs, slurmctld on port $ctld_port, slurmd on $slurmd_port"
mungekey --create --keyfile="$tmp/munge.key"
munged --key-file="$tmp/munge.key" --socket="$tmp/munge.socket" --pid-file="$tmp/munged.pid" \
    --log-file="$tmp/munged.log" --seed-file="$tmp/munged.seed"
cat >"$tmp/slurm.conf" <<EOF
ClusterName=blackstart-ci
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge.socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$tmp/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF" -N "$host"
for _ in $(seq 60); do
    [[ "$(sinfo -h -N -o %T 2>/dev/null || true)" == idle ]] && break
    sleep 0.5
done
sinfo -N
[[ "$(sinfo -h -N -o %T)" == idle ]] || { echo "slurm-check: the node is not idle after 30 s" >&2; exit 1; }

echo "== README's Slurm example is examples/slurm/sweep.sbatch less its comments"
readme_example="$(awk '/^```sh$/ { inside = 1; block = ""; next }
    inside && /^```$/ { if (block ~ /#SBATCH/) { printf "%s", block; exit } inside = 0; next }
    inside { block = block $0 "\n" }' README.md)"
if [[ "$readme_example" != "$(grep -Ev '^#( |$)' examples/slurm/sweep.sbatch)" ]]; then
    diff <(echo "$readme_example") <(grep -Ev '^#( |$)' examples/slurm/sweep.sbatch) >&2 || true
    echo "slurm-check: README's Slurm example is not examples/slurm/sweep.sbatch" >&2
    exit 1
fi

echo "== sbatch --array=0-$((shards - 1)) examples/slurm/sweep.sbatch scenarios/campus13.yaml $runs"
# The README's job script as it is; the command line overrides its array (100 tasks) and its
# CPUs per task (8, more than this node has).
job="$(BLACKSTART="$blackstart" sbatch --parsable --array="0-$((shards - 1))" --cpus-per-task=1 \
    --output="$tmp/job-%A_%a.out" examples/slurm/sweep.sbatch scenarios/campus13.yaml "$runs" \
    "$tmp/slurm")"
job="${job%%;*}"
deadline=$((SECONDS + timeout_s))
while [[ -n "$(squeue -h -j "$job" -o %i 2>/dev/null || true)" ]]; do
    ((SECONDS < deadline)) || { echo "slurm-check: job $job has not finished in $timeout_s s" >&2; exit 1; }
    sleep 1
done
completed="$(scontrol -o show job "$job" | grep 'JobState=COMPLETED' | grep -c ' ExitCode=0:0 ' || true)"
if ((completed != shards)); then
    echo "slurm-check: $completed of the $shards array tasks of job $job completed with exit code 0" >&2
    exit 1
fi
echo "   job $job: $shards array tasks completed"
"$blackstart" summarise "$tmp/slurm" >"$tmp/summarise.txt"
grep -E '^runs' "$tmp/summarise.txt"

echo "== Snakemake: examples/snakemake/Snakefile, $runs runs in 3 shards"
timeout "$timeout_s" "$snakemake_venv/bin/snakemake" --snakefile "$PWD/examples/snakemake/Snakefile" \
    --directory "$tmp/snakemake-work" --cores "$(nproc)" --quiet all \
    --config blackstart_scenario="$PWD/scenarios/campus13.yaml" blackstart_runs="$runs" \
    blackstart_shards=3 blackstart_out="$tmp/snakemake" blackstart_bin="$blackstart"

echo "== a local sweep of the same $runs runs, one shard"
# --shard 0/1: inside a Slurm job, the environment would pick a shard.
"$blackstart" sweep scenarios/campus13.yaml --runs "$runs" --shard 0/1 --out "$tmp/local" \
    --quiet >/dev/null
"$polars_python" .ci/crosscheck/sweeps_equal.py "$tmp/local" "$tmp/slurm" "$tmp/snakemake"
echo "== the Slurm array sweep and the Snakemake sweep equal the local sweep ($((SECONDS - began)) s)"
