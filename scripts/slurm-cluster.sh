#!/usr/bin/env bash
# A one-node Slurm cluster on loopback, for the tests (runs as root in a container without systemd).
#
#   scripts/slurm-cluster.sh start DIR   # writes DIR/etc/slurm.conf, a munge key, starts munged,
#                                        # slurmctld and slurmd, waits until the node is idle;
#                                        # prints `export SLURM_CONF=...` for the caller to eval
#   scripts/slurm-cluster.sh stop DIR    # stops the three daemons started by `start` (by pid file)
#
# Needs the Debian packages slurm-wlm and munge. No accounting: use squeue / scontrol show job.
set -euo pipefail

cmd=${1:?usage: slurm-cluster.sh start|stop DIR}
dir=${2:?usage: slurm-cluster.sh start|stop DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
conf="$dir/etc/slurm.conf"

stop_pid() {
    local file=$1
    [[ -f $file ]] || return 0
    local pid; pid=$(cat "$file")
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$file"
}

case $cmd in
stop)
    stop_pid "$dir/run/slurmd.pid"
    stop_pid "$dir/run/slurmctld.pid"
    stop_pid "$dir/run/munged.pid"
    exit 0
    ;;
start) ;;
*) echo "usage: slurm-cluster.sh start|stop DIR" >&2; exit 2 ;;
esac

for tool in munged mungekey slurmctld slurmd sinfo; do
    command -v "$tool" >/dev/null 2>&1 || [[ -x /usr/sbin/$tool ]] || { echo "slurm-cluster: $tool not found (apt-get install slurm-wlm munge)" >&2; exit 3; }
done
export PATH="/usr/sbin:$PATH"

# The daemons must not inherit the caller's descriptors: a caller that waits for its pipes (or, as
# Foundation's Process does on Linux, for a descriptor of its own) would wait for the daemons too.
for fd in /proc/$$/fd/*; do
    n=${fd##*/}
    if (( n > 2 && n != 255 )); then eval "exec $n>&-" 2>/dev/null || true; fi
done

mkdir -p "$dir"/{etc,run,log,state,spool,munge}
chmod 700 "$dir/munge"
node=$(hostname -s)
cpus=$(nproc)
mem=$(awk '/MemTotal/ {print int($2 / 1024 / 2)}' /proc/meminfo)   # half the memory, in MB
user=$(id -un)
# Ports off the defaults (6817/6818), so the cluster does not collide with a real one.
ctld_port=${SLURM_TEST_CTLD_PORT:-16817}
slurmd_port=${SLURM_TEST_SLURMD_PORT:-16818}

# munge: its own key, socket and pid file under DIR.
[[ -f $dir/munge/munge.key ]] || mungekey --create --keyfile="$dir/munge/munge.key" --force
chmod 400 "$dir/munge/munge.key"
socket="$dir/munge/munge.socket"
munged --key-file="$dir/munge/munge.key" --socket="$socket" --pid-file="$dir/run/munged.pid" \
    --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munge.seed" --force

cat >"$conf" <<EOF
ClusterName=lwdatatest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=$user
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
MinJobAge=600
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
EOF
export SLURM_CONF="$conf"

# -c: start clean (no state from a previous run of this folder).
slurmctld -c -f "$conf"
slurmd -f "$conf"

for _ in $(seq 60); do
    state=$(sinfo -h -N -o '%T' 2>/dev/null | head -1 || true)
    if [[ $state == idle* ]]; then
        echo "export SLURM_CONF=$conf"
        exit 0
    fi
    sleep 1
done
echo "slurm-cluster: the node did not become idle in 60 s (state: '${state:-none}'); logs in $dir/log" >&2
tail -20 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 || true
exit 1
