#!/bin/sh
# Runs one OpenSearch node for LocalCluster and makes sure the node dies with the JVM that started it.
#
# usage: node-watchdog.sh <owner-pid> <grace-seconds> <pid-file> <node-dir> -- <command> [args...]
#
# The owner (the JVM) is this script's parent. If it disappears, even by kill -9, this script is re-parented;
# the guard below notices within a second, stops the node (SIGTERM to the whole process tree, SIGKILL after
# the grace period) and deletes the node's folder, then the cluster's and the session's folders once no other
# node is left in them. Layout: <session>/clusters/<cluster>/nodes/<node>.
set -u
owner=$1 grace=$2 pid_file=$3 node_dir=$4
shift 4
[ "${1:-}" = "--" ] && shift

# Ctrl-C in a terminal reaches the whole process group: the JVM must decide how its nodes stop, not the
# terminal. (The node itself, started with & below, ignores SIGINT as POSIX shells arrange.)
trap '' INT QUIT HUP

parent_of_me() { # prints this script's current parent pid
  if [ -r "/proc/$$/stat" ]; then
    read -r stat < "/proc/$$/stat"
    set -- ${stat##*) }   # drop "pid (comm) ", leaving: state ppid ...
    echo "$2"
  else
    ps -o ppid= -p "$$" | tr -d ' '
  fi
}

kill_tree() { # <signal> <pid>: children first, so none is re-parented before it is found
  for child in $(pgrep -P "$2" 2>/dev/null); do kill_tree "$1" "$child"; done
  kill "-$1" "$2" 2>/dev/null
}

"$@" &
node=$!
echo "$node" > "$pid_file"
# If our output is a pipe, its reader may be gone with the owner: a message (even the shell's own "Terminated")
# must not kill this script before it has cleaned up. Set after starting the node, which keeps the default.
trap '' PIPE

(
  while [ "$(parent_of_me)" = "$owner" ]; do sleep 1; done
  echo "node-watchdog: process $owner that started this node is gone; stopping node $node" >&2
  kill_tree TERM "$node"
  waited=0
  while kill -0 "$node" 2>/dev/null && [ "$waited" -lt "$grace" ]; do sleep 1; waited=$((waited + 1)); done
  kill_tree KILL "$node"
) &
guard=$!

wait "$node"
status=$?
if [ "$(parent_of_me)" != "$owner" ]; then
  wait "$guard"
  # Nobody else will clean up: remove this node, and the enclosing folders when this was the last node.
  nodes_dir=$(dirname "$node_dir")
  cluster_dir=$(dirname "$nodes_dir")
  clusters_dir=$(dirname "$cluster_dir")
  session_dir=$(dirname "$clusters_dir")
  rm -rf "$node_dir"
  rmdir "$nodes_dir" 2>/dev/null && rm -rf "$cluster_dir" && rmdir "$clusters_dir" 2>/dev/null && rm -rf "$session_dir"
else
  kill "$guard" 2>/dev/null
fi
exit "$status"
