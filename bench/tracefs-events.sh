# The events forkscope's tracefs tracer enables (event_specs[] in
# tracer/tracefs-tracer.c), for the benchmarks that record the same events
# with trace-cmd or by hand; less its execve uprobe, which trace-cmd cannot
# define the same way (docs/tracers.md, "exec argv from a uprobe"), so
# forkscope's figures include it and trace-cmd's do not.  The read events it
# enables only in a tree that made a signalfd are not listed.  Sourced by
# tracefs-bench.sh and tracefs-cost-breakdown.sh; keep it in step with the
# tracer.
# shellcheck disable=SC2034
EVENTS=(task:task_newtask sched:sched_process_exec sched:sched_process_exit
        signal:signal_generate signal:signal_deliver task:task_rename
        syscalls:sys_enter_exit_group syscalls:sys_enter_exit syscalls:sys_enter_wait4
        syscalls:sys_exit_wait4 syscalls:sys_enter_waitid syscalls:sys_exit_waitid
        syscalls:sys_enter_rt_sigtimedwait syscalls:sys_exit_rt_sigtimedwait
        syscalls:sys_enter_signalfd4 syscalls:sys_exit_signalfd4
        syscalls:sys_enter_kill syscalls:sys_exit_kill syscalls:sys_enter_setpgid
        syscalls:sys_exit_setpgid syscalls:sys_exit_setsid
        syscalls:sys_exit_clone syscalls:sys_exit_clone3 syscalls:sys_exit_fork
        syscalls:sys_exit_vfork syscalls:sys_enter_clone syscalls:sys_enter_unshare
        syscalls:sys_enter_setns)
TC_EVENTS=()
for e in "${EVENTS[@]}"; do TC_EVENTS+=(-e "$e"); done
