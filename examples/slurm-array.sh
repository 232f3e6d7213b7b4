#!/usr/bin/env bash
# Builds a pipeline as N parts on a Slurm array: task I builds part I/N into its own folder.
#
#   jobid=$(sbatch --parsable --array=1-8 examples/slurm-array.sh pipelines/longwriter-vllm.yaml /shared/lwdata/run1)
#   sbatch --dependency=afterok:$jobid --wrap \
#       "lwdata merge /shared/lwdata/run1/part-*-of-8 --out /shared/lwdata/run1/merged --pipeline pipelines/longwriter-vllm.yaml"
#
# (--pipeline: merge decides dedup-filter again over all parts, near-duplicates across parts included.)
# Tested on a real one-node Slurm cluster: Tests/CLITests/SlurmArrayTests.swift, scripts/slurm-cluster.sh.
#
# Each part is resumable: a requeued or re-submitted task continues where it stopped, and a task
# that finds its part done exits at once. `lwdata merge` refuses to run while a part is missing or
# unfinished, so the merge never loses items. ROOT must be on a file system every node sees.
#SBATCH --job-name=lwdata
#SBATCH --cpus-per-task=4
#SBATCH --mem=8G
#SBATCH --time=24:00:00
#SBATCH --requeue
#SBATCH --output=lwdata-%A_%a.log
set -euo pipefail

pipeline=${1:?usage: sbatch --array=1-N examples/slurm-array.sh PIPELINE ROOT}
root=${2:?usage: sbatch --array=1-N examples/slurm-array.sh PIPELINE ROOT}
lwdata=${LWDATA:-lwdata}
: "${SLURM_ARRAY_TASK_ID:?run this as a Slurm array job: sbatch --array=1-N ...}"
first=${SLURM_ARRAY_TASK_MIN:-1}
parts=${SLURM_ARRAY_TASK_COUNT:-$((SLURM_ARRAY_TASK_MAX - first + 1))}
part=$((SLURM_ARRAY_TASK_ID - first + 1))
out="$root/part-$part-of-$parts"

mkdir -p "$root"
# --quiet: only errors reach the log. Exit codes: 0 done, 1 some items failed (re-run retries
# them), 2 bad pipeline or input, 75 another task holds this folder, 130 stopped by a signal.
exec "$lwdata" build "$pipeline" --out "$out" --part "$part/$parts" --quiet
